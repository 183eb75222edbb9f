// "Use my location" on the place directory: the browser measures the distance to each
// listed place and reorders the list. The position never leaves the phone: nothing is
// sent, stored or logged. Without this script (or without permission) the area
// select above does the same on the server.
(function () {
  "use strict";
  var button = document.querySelector(".use-location");
  var list = document.getElementById("places-list");
  if (!button || !list) { return; }
  var status = document.getElementById(button.getAttribute("data-status"));
  var R = 6371.0088;

  function toRad(d) { return d * Math.PI / 180; }
  function haversine(lat1, lon1, lat2, lon2) {
    var h = Math.pow(Math.sin(toRad(lat2 - lat1) / 2), 2) +
      Math.cos(toRad(lat1)) * Math.cos(toRad(lat2)) * Math.pow(Math.sin(toRad(lon2 - lon1) / 2), 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
  }
  function say(text) { if (status) { status.textContent = text; } }

  if (!("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      var lat = position.coords.latitude, lon = position.coords.longitude;
      var items = Array.prototype.slice.call(list.children);
      items.forEach(function (item) {
        item.placeKm = haversine(lat, lon, parseFloat(item.getAttribute("data-lat")),
                                 parseFloat(item.getAttribute("data-lon")));
        var shown = item.querySelector(".js-distance");
        if (shown) {
          shown.textContent = button.getAttribute("data-km")
            .replace("{km}", item.placeKm.toFixed(1));
          shown.hidden = false;
        }
      });
      // Open places first, then by distance; each keeps its map number.
      items.sort(function (a, b) {
        var ao = a.classList.contains("status-open") ? 0 : 1;
        var bo = b.classList.contains("status-open") ? 0 : 1;
        return ao - bo || a.placeKm - b.placeKm;
      });
      items.forEach(function (item) { list.appendChild(item); });
      say(button.getAttribute("data-sorted"));
    }, function () {
      say(button.getAttribute("data-denied"));
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  });
}());
