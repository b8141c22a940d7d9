import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfirmDialog } from './ConfirmDialog';
import { Dialog, SHELL_ID } from './Dialog';

afterEach(cleanup);

function Page() {
  const [open, setOpen] = useState(false);
  const [answer, setAnswer] = useState('none');
  return (
    <>
      <div id={SHELL_ID}>
        <button type="button" onClick={() => setOpen(true)}>
          Open
        </button>
        <p>answer: {answer}</p>
      </div>
      {open ? (
        <ConfirmDialog
          title="Forget it?"
          confirmLabel="Forget"
          onConfirm={() => {
            setAnswer('yes');
            setOpen(false);
          }}
          onCancel={() => {
            setAnswer('no');
            setOpen(false);
          }}
        >
          <p>Really?</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

describe('dialogs', () => {
  it('take focus, make the page inert, and Enter confirms', async () => {
    const user = userEvent.setup();
    render(<Page />);
    await user.click(screen.getByRole('button', { name: 'Open' }));
    const dialog = screen.getByRole('dialog', { name: 'Forget it?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Forget' }));
    expect(document.getElementById(SHELL_ID)!.hasAttribute('inert')).toBe(true);
    await user.keyboard('{Enter}');
    expect(screen.getByText('answer: yes')).toBeTruthy();
    expect(document.getElementById(SHELL_ID)!.hasAttribute('inert')).toBe(false);
  });

  it('close on Escape, even with focus lost to the body, and give focus back to the opener', async () => {
    const user = userEvent.setup();
    render(<Page />);
    const opener = screen.getByRole('button', { name: 'Open' });
    await user.click(opener);
    (document.activeElement as HTMLElement).blur();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('answer: no')).toBeTruthy();
    expect(document.activeElement).toBe(opener);
  });

  it('keep Tab inside, cycling at both ends', async () => {
    const user = userEvent.setup();
    render(
      <Dialog title="Keys" onClose={() => {}}>
        <input aria-label="first field" />
        <button type="button">Last</button>
      </Dialog>,
    );
    const close = screen.getByRole('button', { name: 'Close dialog' });
    expect(document.activeElement).toBe(close);
    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText('first field'));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Last' }));
    await user.tab();
    expect(document.activeElement).toBe(close);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Last' }));
  });
});
