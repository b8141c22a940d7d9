/**
 * Every screen (screens.ts) at each window size and colour scheme (views.ts), in one page
 * load each, so the matrix stays lean. At every stop:
 *
 * - a screenshot is kept in artifacts/screenshots/<screen>-<width>x<height>-<theme>.png;
 * - nothing scrolls sideways (the page, a table, a scrolling panel) and no button's label is
 *   cut short ("Op…"); below 1200 px the sidebar shows icons only;
 * - axe-core finds no serious or critical violation (contrast differs between the themes);
 * - and over the whole walk, the console has no error or warning, no exception is uncaught,
 *   none of the app's requests fails and nothing breaks the Content-Security-Policy.
 *
 * The live view is checked further: the plot spans the tunnel's own lifetime with round y
 * ticks, its legend shows the latest rates, the connections list takes most of a 900 px
 * window, and after traffic ends the closed connections stay, dimmed. Then the sidebar's
 * toggle is remembered across a reload.
 */
import { writeFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { ConsoleMessage, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { walkScreens, type ScreenName } from './screens.js';
import { VIEWS } from './views.js';

/** Below this width the sidebar starts collapsed (layout-store's SIDEBAR_COLLAPSE_WIDTH). */
const SIDEBAR_COLLAPSE_WIDTH = 1200;

for (const view of VIEWS) {
  test.describe(view.name, () => {
    test.use({ viewport: view.viewport, colorScheme: view.colorScheme });

    test('every screen: fits the window, no console error, no serious accessibility violation', async ({
      appPage: page,
    }, testInfo) => {
      // One walk through eight screens with an axe scan at each, on a shared machine.
      test.setTimeout(300_000);
      const heard = await listenToConsole(page);
      // What the first load said, before the listeners were on: load it again with them.
      await page.reload();
      const layout: string[] = [];
      const accessibility: string[] = [];
      await walkScreens(page, testInfo, async (name) => {
        heard.screen = name;
        layout.push(...(await layoutProblems(page, name)));
        if (name === 'live-view') await checkLiveView(page, view.viewport.height);
        if (name === 'live-view-idle') await checkClosedRowsDimmed(page);
        const result = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
          .analyze();
        const path = testInfo.outputPath(`axe-${name}.json`);
        writeFileSync(path, JSON.stringify(result.violations, null, 2));
        await testInfo.attach(`axe-${name}.json`, { path, contentType: 'application/json' });
        for (const violation of result.violations) {
          if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
          const targets = violation.nodes
            .slice(0, 8)
            .map((node) => `${node.target.join(' ')}${contrastOf(node.any)}`);
          accessibility.push(
            `[${name}] ${violation.impact} ${violation.id}: ${violation.help} — ${targets.join(', ')}`,
          );
        }
      });

      // The sidebar's toggle holds, and is remembered across a reload.
      heard.screen = 'sidebar-toggle';
      const sidebar = page.getByRole('navigation', { name: 'Main' });
      const wasCollapsed = (await sidebar.getAttribute('data-collapsed')) === 'true';
      await page.getByTestId('sidebar-toggle').click();
      await expect(sidebar).toHaveAttribute('data-collapsed', String(!wasCollapsed));
      await page.reload();
      await expect(page.getByTestId('transport-status')).toHaveText(/Live/);
      await expect(sidebar).toHaveAttribute('data-collapsed', String(!wasCollapsed));
      layout.push(...(await layoutProblems(page, 'logs')));

      expect.soft(layout, layout.join('\n')).toEqual([]);
      expect.soft(accessibility, accessibility.join('\n')).toEqual([]);
      expect(heard.lines, heard.lines.join('\n')).toEqual([]);
    });
  });
}

/**
 * Console errors and warnings, uncaught exceptions, failed requests and Content-Security-Policy
 * violations, by screen (from the next load on).
 */
async function listenToConsole(page: Page): Promise<{ screen: string; readonly lines: string[] }> {
  const heard = { screen: 'start', lines: [] as string[] };
  // A violation is not always a console message (a `new Function` that the page catches, say).
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(
        `CSP violation: ${event.violatedDirective} (${event.blockedURI}) at ${event.sourceFile}:${event.lineNumber}`,
      ),
    ),
  );
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const where = message.location();
    heard.lines.push(
      `[${heard.screen}] ${message.type()}: ${message.text()} (${where.url}:${where.lineNumber})`,
    );
  });
  page.on('pageerror', (error) => heard.lines.push(`[${heard.screen}] uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    heard.lines.push(
      `[${heard.screen}] request failed: ${request.url()} ${request.failure()?.errorText}`,
    ),
  );
  return heard;
}

/**
 * What does not fit: the page or any scrolling box that scrolls sideways, a button whose
 * label is cut, a sidebar that does not collapse in a narrow window.
 */
async function layoutProblems(page: Page, screen: ScreenName): Promise<string[]> {
  const problems = await page.evaluate((collapseWidth) => {
    const found: string[] = [];
    const shown = (element: Element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.height > 0;
    };
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}.${[...element.classList].join('.')}` +
      (element.getAttribute('aria-label') ? `[${element.getAttribute('aria-label')}]` : '');
    const root = document.scrollingElement!;
    if (root.scrollWidth > root.clientWidth + 1) {
      found.push(`the page scrolls sideways (${root.scrollWidth} px in ${root.clientWidth} px)`);
    }
    for (const element of document.querySelectorAll('body *')) {
      if (!shown(element)) continue;
      const style = getComputedStyle(element);
      const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
      const table = element.matches('table, [role="table"], [role="grid"]');
      if ((scrolls || table) && element.scrollWidth > element.clientWidth + 1) {
        found.push(
          `${describe(element)} scrolls sideways (${element.scrollWidth} px in ${element.clientWidth} px)`,
        );
      }
    }
    for (const button of document.querySelectorAll('button, a.button, [role="tab"]')) {
      if (!shown(button)) continue;
      // A label cut with an ellipsis still has its full width as the scroll width.
      const label = button.textContent?.trim() ?? '';
      if (label && button.scrollWidth > button.clientWidth + 1) {
        found.push(
          `the button "${label}" is cut (${button.scrollWidth} px in ${button.clientWidth} px)`,
        );
      }
    }
    const sidebar = document.querySelector('nav[aria-label="Main"]');
    const narrow = window.innerWidth < collapseWidth;
    if (narrow && localStorage.getItem('tunneldesk.sidebar') === null) {
      if (sidebar?.getAttribute('data-collapsed') !== 'true') {
        found.push(`the sidebar is not collapsed at ${window.innerWidth} px`);
      }
    }
    return found;
  }, SIDEBAR_COLLAPSE_WIDTH);
  return problems.map((problem) => `[${screen}] ${problem}`);
}

/** Whether `step` is 1, 2 or 5 × 10ⁿ of a rate unit (B/s, KiB/s, MiB/s, ...). */
function roundStep(step: number): boolean {
  for (let unit = 1; unit <= 1024 ** 4; unit *= 1024) {
    const inUnit = step / unit;
    const mantissa = inUnit / 10 ** Math.floor(Math.log10(inUnit));
    if ([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9)) return true;
  }
  return false;
}

/**
 * The live view: the plot spans only the tunnel's own short life (not a fixed window with
 * an empty past), its y ticks are round, the legend reads the latest rates, and on a 900 px
 * window the connections list has most of the height.
 */
async function checkLiveView(page: Page, viewportHeight: number): Promise<void> {
  const detail = page.getByTestId('session-detail');
  await expect(detail.getByRole('radio', { name: 'Since opened' })).toHaveAttribute(
    'aria-checked',
    'true',
  );
  const plot = detail.getByTestId('throughput-plot');
  await expect(plot).toHaveAttribute('data-y-ticks', /^0( \d+(\.\d+)?)+$/);
  const ticks = (await plot.getAttribute('data-y-ticks'))!.split(' ').map(Number);
  const step = ticks[1]! - ticks[0]!;
  expect(roundStep(step), `y tick step ${step} B/s (ticks ${ticks.join(', ')})`).toBe(true);
  ticks.forEach((tick, i) => expect(tick).toBeCloseTo(i * step, 6));
  // Opened seconds ago: the x axis spans its life, not a fixed window of minutes.
  const span =
    Number(await plot.getAttribute('data-x-max')) - Number(await plot.getAttribute('data-x-min'));
  expect(span).toBeGreaterThan(0);
  expect(span).toBeLessThan(60);
  await expect(detail.getByTestId('legend-in')).toHaveText(/\d/);
  await expect(detail.getByTestId('legend-out')).toHaveText(/\d/);

  if (viewportHeight >= 900) {
    const connections = await detail
      .getByRole('region', { name: 'Connections' })
      .or(detail.locator('section', { has: page.getByRole('heading', { name: 'Connections' }) }))
      .first()
      .boundingBox();
    const throughput = await detail.locator('section.panel--plot').boundingBox();
    expect(connections, 'the connections panel is on the page').not.toBeNull();
    expect(throughput, 'the throughput panel is on the page').not.toBeNull();
    // Scrolled to, the list fills most of the window (at least 60% of it).
    expect(connections!.height).toBeGreaterThan(throughput!.height);
    expect(connections!.height).toBeGreaterThanOrEqual(0.6 * viewportHeight);
  }
}

/** After traffic ends: the closed connections stay, in a dimmer colour than the open ones. */
async function checkClosedRowsDimmed(page: Page): Promise<void> {
  const detail = page.getByTestId('session-detail');
  const closed = detail.locator('[data-testid="connection-row"][data-state="closed"]').first();
  await expect(closed).toBeVisible();
  const [rowColour, textColour] = await closed.evaluate((row) => [
    getComputedStyle(row).color,
    getComputedStyle(document.body).color,
  ]);
  expect(rowColour).not.toBe(textColour);
}

/** For a contrast finding: " (fg on bg, ratio)", so the report says which colours. */
function contrastOf(checks: readonly { readonly data?: unknown }[]): string {
  const data = checks[0]?.data as
    { fgColor?: string; bgColor?: string; contrastRatio?: number } | undefined;
  return data?.fgColor ? ` (${data.fgColor} on ${data.bgColor}, ${data.contrastRatio})` : '';
}
