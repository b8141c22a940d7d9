/**
 * A modal dialog that behaves for the keyboard: focus moves in (to [data-autofocus] or the
 * first control), Tab cycles inside, Escape cancels, and focus returns where it was on
 * close. The page behind is made inert while a dialog is open, so screen readers and Tab
 * cannot wander out of it.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Icon } from './Icon';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The element the shell renders everything but dialogs into. */
export const SHELL_ID = 'app-shell';

/** Open dialogs, innermost last: only that one answers the keyboard. */
const openDialogs: symbol[] = [];

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)];
}

interface DialogProps {
  readonly title: string;
  readonly description?: ReactNode;
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly width?: 'narrow' | 'wide';
  readonly testId?: string;
  /**
   * Whether a click beside the panel closes it (true by default). Off for a dialog whose
   * content a stray click must not lose: a form half filled, a secret shown once.
   */
  readonly closeOnBackdrop?: boolean;
}

export function Dialog({
  title,
  description,
  onClose,
  children,
  width = 'narrow',
  testId,
  closeOnBackdrop = true,
}: DialogProps) {
  const panel = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  // One effect, so the order is sure: remember the opener before the page turns inert
  // (which takes focus away), and give focus back only after the page is live again.
  // Keys are heard on the document, not the panel: focus may have fallen to <body> (a
  // button that disabled itself while busy), and Escape must still close.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const self = Symbol('dialog');
    openDialogs.push(self);
    document.getElementById(SHELL_ID)?.setAttribute('inert', '');
    const root = panel.current!;
    (root.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(root)[0] ?? root).focus();

    const onKeyDown = (event: KeyboardEvent) => {
      if (openDialogs.at(-1) !== self || event.defaultPrevented) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        onCloseRef.current();
      } else if (event.key === 'Tab') {
        trapTab(event, root);
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      openDialogs.splice(openDialogs.indexOf(self), 1);
      if (openDialogs.length === 0) document.getElementById(SHELL_ID)?.removeAttribute('inert');
      // The opener may be gone (a row that closed with the dialog).
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => closeOnBackdrop && e.target === e.currentTarget && onClose()}
    >
      <div
        ref={panel}
        className={`dialog dialog--${width}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        data-testid={testId}
      >
        <header className="dialog__header">
          <div>
            <h2 id={titleId} className="dialog__title">
              {title}
            </h2>
            {description ? (
              <p id={descriptionId} className="dialog__description">
                {description}
              </p>
            ) : null}
          </div>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close dialog">
            <Icon name="close" />
          </button>
        </header>
        {children}
      </div>
    </div>,
    document.body,
  );
}

/** Keeps Tab inside the dialog, cycling at both ends; brings stray focus back in. */
function trapTab(event: KeyboardEvent, root: HTMLElement): void {
  const items = focusables(root);
  if (items.length === 0) return;
  const first = items[0]!;
  const last = items.at(-1)!;
  const active = document.activeElement;
  if (!root.contains(active)) {
    event.preventDefault();
    (event.shiftKey ? last : first).focus();
  } else if (event.shiftKey && active === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}
