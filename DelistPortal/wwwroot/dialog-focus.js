// MudBlazor's dialog focus trap focuses its own invisible fallback element once a dialog has opened (its content is
// rendered after the trap looks for a first field), so keyboard and screen-reader users would start on nothing.
// When that happens, focus moves on to the dialog's first field or button. Tabbing is left alone: it goes through the
// trap's other, tabbable guards.
document.addEventListener('focusin', event => {
    const target = event.target;
    if (!(target instanceof HTMLElement) || target.getAttribute('tabindex') !== '-1'
        || !target.classList.contains('pointer-events-none') || !target.closest('.mud-dialog')) {
        return;
    }
    const trap = target.parentElement;
    const first = trap && [...trap.querySelectorAll('input, textarea, select, button, [href], [tabindex]')]
        .find(element => !element.classList.contains('pointer-events-none') && !element.disabled
            && element.getAttribute('tabindex') !== '-1' && element.type !== 'hidden' && element.offsetParent !== null);
    first?.focus();
});
