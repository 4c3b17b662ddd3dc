package metrics

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// ContentType is the media type of the text exposition format, version
// 0.0.4, which WriteTo produces.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Registry holds metric families and writes them in the text exposition
// format. The zero value is ready to use; a Registry must not be copied
// after first use. All methods are safe for concurrent use.
type Registry struct {
	mu sync.Mutex
	// series holds every sample name a family writes, a histogram's
	// _bucket, _sum and _count included, so that no two families can
	// produce samples a scraper would confuse.
	series map[string]string
	// families is sorted by name, so scrapes need not sort.
	families []family
	// lastSize is the length of the last scrape, to size the next one's
	// buffer: scrapes of the same registry are alike.
	lastSize atomic.Int64
}

// family is one registered metric family.
type family interface {
	desc() *desc
	// write appends the family's samples; it appends nothing when the
	// family has none yet.
	write(w *textWriter)
}

// desc is what every family has in common.
type desc struct {
	name   string
	help   string
	typ    string // "counter", "gauge" or "histogram"
	labels []string
}

// newDesc validates a family's names; it panics on a programming error.
func newDesc(name, help, typ string, labels []string) *desc {
	if !validMetricName(name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", name))
	}
	if !utf8.ValidString(help) {
		panic(fmt.Sprintf("metrics: %s: help %q is not valid UTF-8", name, help))
	}
	for i, l := range labels {
		if !validLabelName(l) {
			panic(fmt.Sprintf("metrics: %s: invalid label name %q", name, l))
		}
		if strings.HasPrefix(l, "__") {
			panic(fmt.Sprintf("metrics: %s: label name %q is reserved: the __ prefix belongs to Prometheus", name, l))
		}
		if slices.Contains(labels[:i], l) {
			panic(fmt.Sprintf("metrics: %s: duplicate label name %q", name, l))
		}
	}
	return &desc{name: name, help: help, typ: typ, labels: slices.Clone(labels)}
}

// register adds f, or panics if one of its sample names is taken.
func (r *Registry) register(f family) {
	d := f.desc()
	names := []string{d.name}
	if d.typ == "histogram" {
		names = append(names, d.name+"_bucket", d.name+"_sum", d.name+"_count")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range names {
		if owner, ok := r.series[n]; ok && owner == d.name {
			panic(fmt.Sprintf("metrics: metric %q is already registered", d.name))
		} else if ok {
			panic(fmt.Sprintf("metrics: %s: sample name %q is already used by metric %q", d.name, n, owner))
		}
	}
	if r.series == nil {
		r.series = make(map[string]string)
	}
	for _, n := range names {
		r.series[n] = d.name
	}
	i, _ := slices.BinarySearchFunc(r.families, d.name, func(f family, name string) int {
		return strings.Compare(f.desc().name, name)
	})
	// Clip makes Insert copy, leaving the slice snapshot handed out intact.
	r.families = slices.Insert(slices.Clip(r.families), i, f)
}

// snapshot returns the families at this instant. register never modifies
// the slice in place, so it can be read without the lock; scraping without
// the lock lets a GaugeFunc use the registry.
func (r *Registry) snapshot() []family {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.families
}

// WriteTo writes every family that has samples in the text exposition
// format, sorted by name and then by label values. It renders the whole
// output before writing, so w sees a single Write.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(r.render())
	return int64(n), err
}

func (r *Registry) render() []byte {
	tw := textWriter{buf: make([]byte, 0, r.lastSize.Load()+r.lastSize.Load()/8)}
	for _, f := range r.snapshot() {
		tw.family(f)
	}
	r.lastSize.Store(int64(len(tw.buf)))
	return tw.buf
}

// ServeHTTP answers GET and HEAD with the exposition of every metric.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body := r.render()
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	// A scrape is a reading of the present; a cached one is wrong.
	h.Set("Cache-Control", "no-store")
	if req.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// validMetricName reports whether s matches [a-zA-Z_:][a-zA-Z0-9_:]*.
func validMetricName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlpha(c) || c == '_' || c == ':' || i > 0 && isDigit(c)) {
			return false
		}
	}
	return s != ""
}

// validLabelName reports whether s matches [a-zA-Z_][a-zA-Z0-9_]*.
func validLabelName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlpha(c) || c == '_' || i > 0 && isDigit(c)) {
			return false
		}
	}
	return s != ""
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
