/**
 * The window sizes and colour schemes every screen is checked at: a 1440x900 desktop and a
 * 1024x700 laptop window, each light and dark.
 */
export const VIEWS = [
  { name: '1440x900 light', viewport: { width: 1440, height: 900 }, colorScheme: 'light' },
  { name: '1440x900 dark', viewport: { width: 1440, height: 900 }, colorScheme: 'dark' },
  { name: '1024x700 light', viewport: { width: 1024, height: 700 }, colorScheme: 'light' },
  { name: '1024x700 dark', viewport: { width: 1024, height: 700 }, colorScheme: 'dark' },
] as const;
