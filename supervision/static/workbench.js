// The queue: the header's checkbox ticks or clears every case on the page.
(function () {
  var all = document.getElementById("tick-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    var boxes = document.querySelectorAll('input[type="checkbox"][name="case"]');
    for (var i = 0; i < boxes.length; i++) { boxes[i].checked = all.checked; }
  });
}());
