/**
 * "Skip to content" for keyboard users. It focuses the main region by script rather than
 * by href: the URL hash belongs to the router.
 */
export function SkipLink({ target }: { readonly target: string }) {
  return (
    <a
      className="skip-link"
      href={`#${target}`}
      onClick={(event) => {
        event.preventDefault();
        document.getElementById(target)?.focus();
      }}
    >
      Skip to content
    </a>
  );
}
