/** Saves text as a file through the browser's download, which works the same in Electron. */
export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking on the next task lets the download start first.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Reads a file the user picked, as text (the File API; nothing leaves the renderer). */
export function readFileText(file: File): Promise<string> {
  return file.text();
}
