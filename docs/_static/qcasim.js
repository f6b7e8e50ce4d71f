// Fold the worked solutions of every tutorial: the section that follows a "Worked solutions"
// heading (or a "Solutions." paragraph) goes into a <details> element the reader opens.
document.addEventListener("DOMContentLoaded", () => {
  for (const section of document.querySelectorAll("section[id^='worked-solutions']")) {
    const heading = section.querySelector("h1, h2, h3, h4");
    if (!heading) continue;
    const details = document.createElement("details");
    details.className = "qcasim-solutions";
    const summary = document.createElement("summary");
    summary.textContent = "Show the worked solutions";
    details.appendChild(summary);
    while (heading.nextSibling) details.appendChild(heading.nextSibling);
    section.appendChild(details);
  }
});
