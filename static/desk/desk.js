// The registration desk without page reloads: check in and undo through fetch, counts kept
// live, and keys for people who never leave the keyboard. The page works without it.
(function () {
  "use strict";
  const search = document.getElementById("desk-q");
  const counts = document.getElementById("desk-counts");
  const announcer = document.getElementById("desk-message");
  if (!counts) return;

  function setCounts(values) {
    for (const key of ["expected", "present", "absent"]) {
      const cell = counts.querySelector(`[data-count="${key}"]`);
      if (cell && key in values) cell.textContent = values[key];
    }
  }

  function announce(text) {
    if (announcer) announcer.textContent = text;
  }

  function backToSearch() {
    if (search) {
      search.focus();
      search.select();
    }
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.classList.contains("desk-action")) return;
    event.preventDefault();
    const row = form.closest("tr");
    row.classList.add("desk-busy");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json();
      announce(data.message);
      if (data.ok) {
        const holder = document.createElement("tbody");
        holder.innerHTML = data.row.trim();
        const fresh = holder.firstElementChild;
        row.replaceWith(fresh);
        setCounts(data.counts);
        backToSearch();
      } else {
        row.classList.remove("desk-busy");
        window.alert(data.message);
      }
    } catch (error) {
      // The network failed or the session expired: let the browser post the form itself.
      form.submit();
    }
  });

  function buttons() {
    return Array.from(document.querySelectorAll(".desk-button"));
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = event.target.matches("input, select, textarea");
    if (event.key === "/" && !typing) {
      event.preventDefault();
      backToSearch();
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (event.target.tagName === "SELECT") return;
      const list = buttons();
      if (!list.length) return;
      const index = list.indexOf(document.activeElement);
      let next;
      if (event.key === "ArrowDown") next = index < 0 ? 0 : Math.min(index + 1, list.length - 1);
      else if (index <= 0) {
        backToSearch();
        event.preventDefault();
        return;
      } else next = index - 1;
      event.preventDefault();
      list[next].focus();
    }
    if (event.key === "Escape" && event.target === search) {
      search.value = "";
    }
  });

  // Other desks check people in too: refresh the counts every fifteen seconds.
  const url = counts.dataset.url;
  if (url) {
    window.setInterval(async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (response.ok) setCounts(await response.json());
      } catch (error) {
        /* Offline for a moment: the next tick tries again. */
      }
    }, 15000);
  }
})();
