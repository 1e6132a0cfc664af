// The title of a static page whose interactive part changes it (the sender's wizard, from step to step): <PageTitle>
// in an interactive island reaches the <head> only when the page is rendered on the server, so the island sets the
// title here afterwards (Components/Shared/IslandTitle.razor).
window.portalPage = {
  setTitle: (text) => {
    document.title = text;
  },
};
