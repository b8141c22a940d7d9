/** Copies text; rejects with a message an operator can act on when the clipboard is denied. */
export async function copyText(text: string): Promise<void> {
  if (!navigator.clipboard) {
    throw new Error('the clipboard is not available here; select the text and copy it');
  }
  await navigator.clipboard.writeText(text);
}
