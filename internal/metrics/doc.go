// Package metrics owns the server's Prometheus metrics: a registry of
// counters, gauges and histograms, and the text exposition format (version
// 0.0.4) that GET /metrics answers with.
//
// It exists so that the module keeps to the standard library. The
// Prometheus client library would bring a dozen transitive modules for what
// the server needs: a handful of metric families, updated on hot paths and
// read by a scraper every few seconds.
//
// Updates are lock-free and allocation-free: counters, gauges and histogram
// buckets are atomics, and a labeled child, once created, is found through
// an immutable map behind an atomic pointer. Only registration, a child's
// first use and scraping take locks. Scrape output is sorted by metric name
// and label values, so that two scrapes of the same state are identical.
//
// Registration mistakes (a bad or duplicate name, bad buckets, the wrong
// number of label values) are programming errors and panic, as
// regexp.MustCompile does. Label values must be valid UTF-8 and come from a
// small set, such as route names or status codes, never raw request data:
// every distinct combination is a series kept for the registry's lifetime.
package metrics
