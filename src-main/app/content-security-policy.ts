/**
 * The renderer's Content-Security-Policy, one policy for every place it is enforced: the
 * header browser mode sends, the header the Electron shell adds to its session, and the
 * meta tag of src-renderer/index.html (a test compares the built page with
 * META_CONTENT_SECURITY_POLICY).
 * Nothing inline and nothing remote: the renderer is untrusted, so a script that slips
 * into the DOM must have nowhere to load code from and nowhere to send data.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The policy as the page's meta tag carries it: without `frame-ancestors`, which browsers
 * ignore in a meta tag (and log a console error for). The headers above carry it.
 */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  /;\s*frame-ancestors [^;]*/,
  '',
);
