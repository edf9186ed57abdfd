// The ingest status page reloads itself while files wait for the worker, so the worker's
// report appears without the admin pressing anything.
setTimeout(function () { location.reload(); }, 5000);
