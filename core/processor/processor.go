package processor

import (
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/itchyny/gojq"
	"github.com/sirupsen/logrus"
)

// DefaultItemTimeout bounds the evaluation of one item (Ocean's
// process_in_queue_timeout).
const DefaultItemTimeout = 120 * time.Second

// Options configure a Processor. The zero value is usable.
type Options struct {
	// Workers evaluate items in parallel; default runtime.GOMAXPROCS(0).
	Workers int
	// ItemTimeout bounds the selector, mappings and itemsToParse of one item;
	// default DefaultItemTimeout.
	ItemTimeout time.Duration
	// AllowedEnv names the environment variables mappings may read through
	// env and $ENV; a name may be a glob (path.Match syntax: MY_*). Empty, env
	// and $ENV are {}. Ocean exposes the whole environment by default; a
	// mapping here sees only what the operator allowed, since one line of JQ
	// would otherwise copy any credential of the process into Port.
	AllowedEnv []string
	// Environ is the environment the allowed variables are read from; default
	// os.Environ. It is read when a program is first compiled (gojq makes env
	// a constant).
	Environ func() []string
	// Hidden reports values mappings must never see, such as registered
	// secrets: an allowed variable whose value it reports is left out.
	Hidden func(value string) bool
	// Logger receives compile warnings and debug/stderr output of mappings.
	Logger logrus.FieldLogger
}

// Processor compiles JQ programs once (cache keyed by source text) and turns
// raw items into entities. It is safe for concurrent use.
type Processor struct {
	workers     int
	itemTimeout time.Duration
	log         logrus.FieldLogger
	compilerOps []gojq.CompilerOption
	cache       sync.Map // source text → *compiled
}

type compiled struct {
	code *gojq.Code
	err  error
}

// New returns a Processor with opts' defaults filled in.
func New(opts Options) *Processor {
	p := &Processor{workers: opts.Workers, itemTimeout: opts.ItemTimeout, log: opts.Logger}
	if p.workers <= 0 {
		p.workers = runtime.GOMAXPROCS(0)
	}
	if p.itemTimeout <= 0 {
		p.itemTimeout = DefaultItemTimeout
	}
	if p.log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		p.log = l
	}
	p.compilerOps = append(compatFunctions(p.log), orderFunctions()...)
	regex := &regexEngine{timeout: p.itemTimeout}
	p.compilerOps = append(p.compilerOps, regex.functions()...)
	// Without an environ loader gojq's env and $ENV are {}: Ocean's
	// "def env: {}; {} as $ENV" guard is built in.
	if len(opts.AllowedEnv) > 0 {
		p.compilerOps = append(p.compilerOps, gojq.WithEnvironLoader(allowedEnviron(opts)))
	}
	return p
}

// allowedEnviron returns the loader of the environment mappings see: the
// allowed variables whose values are not hidden.
func allowedEnviron(opts Options) func() []string {
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ
	}
	return func() []string {
		var out []string
		for _, kv := range environ() {
			name, value, _ := strings.Cut(kv, "=")
			if envAllowed(opts.AllowedEnv, name) && (opts.Hidden == nil || !opts.Hidden(value)) {
				out = append(out, kv)
			}
		}
		return out
	}
}

func envAllowed(allowed []string, name string) bool {
	for _, glob := range allowed {
		// A malformed glob matches nothing; config rejects them earlier.
		if ok, _ := path.Match(glob, name); ok {
			return true
		}
	}
	return false
}

// compile parses and compiles a mapping's JQ program once; later calls with
// the same source share the result (and the error).
func (p *Processor) compile(src string) (*gojq.Code, error) {
	if c, ok := p.cache.Load(src); ok {
		return c.(*compiled).code, c.(*compiled).err
	}
	c := &compiled{}
	q, err := gojq.Parse(normalizeQuotes(src))
	if err != nil {
		c.err = fmt.Errorf("parse: %w", err)
	} else if c.code, err = gojq.Compile(withPreludes(q), p.compilerOps...); err != nil {
		c.err = fmt.Errorf("compile: %w", err)
	}
	actual, _ := p.cache.LoadOrStore(src, c)
	return actual.(*compiled).code, actual.(*compiled).err
}

// withPreludes rewrites object constructions to keep their key order and adds
// the definitions of the regex and key-order preludes (in front of the
// program's own, which may shadow them).
func withPreludes(q *gojq.Query) *gojq.Query {
	withKeyOrder(q)
	order, err := gojq.Parse(orderPrelude + ".")
	if err != nil {
		panic("processor: key-order prelude: " + err.Error())
	}
	q = withRegexPrelude(q)
	q.FuncDefs = append(order.FuncDefs, q.FuncDefs...)
	return q
}
