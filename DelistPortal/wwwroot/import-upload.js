// The Import page's file goes to the portal as one plain HTTP request: over the page's circuit it would travel in
// small acknowledged pieces at a few megabytes a second. The page gives the address (with its one-use ticket) and
// hears of the bytes received from the server; this only sends the file chosen in the page's file picker.
window.importUpload = {
    /** Posts the file chosen in the picker inside `container` to `url`; resolves with the HTTP status, 0 if none came. */
    send(container, url) {
        const file = container?.querySelector('input[type=file]')?.files?.[0];
        if (!file) {
            return Promise.resolve(0);
        }
        return new Promise(resolve => {
            const request = new XMLHttpRequest();
            request.open('POST', url);
            request.setRequestHeader('Content-Type', 'text/csv');
            request.onload = () => resolve(request.status);
            request.onerror = request.onabort = request.ontimeout = () => resolve(0);
            request.send(file);
        });
    },
};
