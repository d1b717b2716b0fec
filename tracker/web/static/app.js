// "/" puts the cursor in the search box.
"use strict";
document.addEventListener("keydown", function (event) {
  var box = document.getElementById("quick-q");
  if (event.key === "/" && box && document.activeElement.tagName !== "INPUT") {
    event.preventDefault();
    box.focus();
  }
});
