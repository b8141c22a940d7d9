/**
 * The renderer's Content-Security-Policy, one string for every place it is enforced: the
 * meta tag of src-renderer/index.html (a test compares the built page with this), the
 * header browser mode sends, and the header the Electron shell adds to its session.
 * Nothing inline and nothing remote: the renderer is untrusted, so a script that slips
 * into the DOM must have nowhere to load code from and nowhere to send data.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
