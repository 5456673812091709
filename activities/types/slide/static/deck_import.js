// "Import a PDF deck" in the admin (activities/admin/deck.py): the server renders the pages while the
// request runs, a second or so per page. Once the form is sent, show that it is working (the progress
// line, announced by screen readers) and keep the button from sending the file twice.
(() => {
  const form = document.getElementById("caja-deck-form");
  const progress = document.getElementById("caja-deck-progress");
  if (!form || !progress) return;
  form.addEventListener("submit", () => {
    progress.hidden = false;
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.disabled = true;
    }
    form.setAttribute("aria-busy", "true");
  });
})();
