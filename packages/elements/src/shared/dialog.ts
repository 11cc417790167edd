/** The element with the focus, looking inside shadow roots (a chip in another element). */
function focusedElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

/**
 * Opens a modal `<dialog>` (native: the rest of the page is inert, focus stays inside, Escape
 * closes it) and remembers what had the focus, to give it back when it closes: the control
 * that opened it (an assistant's chip calling `open()`), else `returnTo`'s (WCAG 2.4.3).
 */
export function showDialog(dialog: HTMLDialogElement, returnTo: () => HTMLElement | null) {
  if (dialog.open) return;
  const opener = focusedElement();
  dialog.showModal();
  dialog.addEventListener(
    'close',
    () => {
      const target = opener?.isConnected ? opener : returnTo();
      if (target?.isConnected) target.focus();
    },
    { once: true },
  );
}
