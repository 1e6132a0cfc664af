// Opens the localized reconnect dialog (Components/Layout/ReconnectModal.razor) as a modal while the circuit is
// down, and wires its buttons. blazor.web.js sets the state classes that choose which text shows.
(() => {
  const dialog = document.getElementById("components-reconnect-modal");
  if (!dialog) {
    return;
  }
  dialog.addEventListener("components-reconnect-state-changed", (event) => {
    if (event.detail.state === "hide") {
      dialog.close();
    } else if (!dialog.open) {
      dialog.showModal();
    }
  });
  // Escape would hide the dialog while the page cannot work: keep it until the circuit is back.
  dialog.addEventListener("cancel", (event) => event.preventDefault());
  dialog.addEventListener("click", async (event) => {
    const action = event.target.closest("[data-reconnect]")?.dataset.reconnect;
    if (action === "retry") {
      if (!(await Blazor.reconnect())) {
        location.reload();
      }
    } else if (action === "resume") {
      if (!(await Blazor.resumeCircuit())) {
        location.reload();
      }
    } else if (action === "reload") {
      location.reload();
    }
  });
})();
