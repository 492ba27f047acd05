// Lets the site's search find command-line options such as --detailed-exitcode. The search
// engine (lunr) reads a leading "-" as "pages without this word", so a query for an option
// found nothing; the leading dashes of each word are dropped from a query before it reaches
// the search worker. (Written here: the theme has no setting for its query transform.)
(function () {
  var QUERY = 2; // the theme's message type for a query sent to its search worker
  var post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    if (message && message.type === QUERY && typeof message.data === "string") {
      message = Object.assign({}, message, {
        data: message.data.replace(/(^|\s)-+(?=\w)/g, "$1"),
      });
    }
    return post.apply(this, [message].concat(Array.prototype.slice.call(arguments, 1)));
  };
})();
