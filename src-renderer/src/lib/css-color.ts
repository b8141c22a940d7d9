/**
 * The colour a CSS expression resolves to here, e.g. `var(--chart-in)` under the current
 * theme. Canvas charts need concrete colours; asking the browser keeps the theme's palette
 * in the CSS alone (light-dark() included).
 */
export function resolveColor(within: HTMLElement, expression: string, fallback: string): string {
  const probe = document.createElement('span');
  probe.style.color = expression;
  probe.style.display = 'none';
  within.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color || fallback;
}
