/**
 * Opens a modal `<dialog>` (native: the rest of the page is inert, focus stays inside, Escape
 * closes it) and remembers what had the focus, to give it back when it closes.
 */
export function showDialog(dialog: HTMLDialogElement, returnTo: () => HTMLElement | null) {
  if (dialog.open) return;
  dialog.showModal();
  dialog.addEventListener(
    'close',
    () => {
      const target = returnTo();
      if (target?.isConnected) target.focus();
    },
    { once: true },
  );
}
