package config

import (
	"slices"
	"time"
)

// ListenerType selects how resyncs and live events are triggered.
type ListenerType string

// Event listener types.
const (
	ListenerPolling      ListenerType = "POLLING"
	ListenerOnce         ListenerType = "ONCE"
	ListenerKafka        ListenerType = "KAFKA"
	ListenerWebhook      ListenerType = "WEBHOOK"
	ListenerWebhooksOnly ListenerType = "WEBHOOKS_ONLY"
	ListenerActionsOnly  ListenerType = "ACTIONS_ONLY"
)

// listenerTypes are Ocean's names, all accepted whether or not a reader is
// registered for them, so that an unknown type is refused with the same list
// as in Ocean.
var listenerTypes = []string{"POLLING", "ONCE", "KAFKA", "WEBHOOK", "WEBHOOKS_ONLY", "ACTIONS_ONLY"}

// DefaultKafkaBrokers are Port's production brokers.
var DefaultKafkaBrokers = []string{
	"b-1-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196",
	"b-2-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196",
	"b-3-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196",
}

// EventListenerSettings configures the event listener: the keys every type
// has, and the type's own in Options.
type EventListenerSettings struct {
	Type                  ListenerType `json:"type"`
	ShouldResync          bool         `json:"should_resync"`
	ShouldProcessWebhooks bool         `json:"should_process_webhooks"`
	ShouldRunActions      bool         `json:"should_run_actions"`

	// Options is what the reader LoadOptions.Listeners registers for Type
	// returned; nil when it has none. When it is a struct (or a pointer to
	// one), Redacted shows its fields, named by their json tags, next to the
	// common keys.
	Options any `json:"-"`
}

// ListenerReader reads the keys of one event listener type; its result
// becomes EventListenerSettings.Options.
type ListenerReader func(ListenerKeys) any

func readListener(r *reader, readers map[ListenerType]ListenerReader, secrets *[]string) EventListenerSettings {
	const p = "event_listener."
	l := EventListenerSettings{Type: ListenerType(r.oneOf(p+"type", string(ListenerPolling), acceptedTypes(readers)...))}
	// Per-type defaults of the common flags: each type only does its own job.
	resync, webhooks, actions := true, true, true
	switch l.Type {
	case ListenerOnce:
		webhooks, actions = false, false
	case ListenerWebhooksOnly:
		resync, actions = false, false
	case ListenerActionsOnly:
		resync, webhooks = false, false
	}
	l.ShouldResync = r.boolean(p+"should_resync", resync)
	l.ShouldProcessWebhooks = r.boolean(p+"should_process_webhooks", webhooks)
	l.ShouldRunActions = r.boolean(p+"should_run_actions", actions)
	if read := readers[l.Type]; read != nil {
		l.Options = read(ListenerKeys{r: r, typ: l.Type, secrets: secrets})
	}
	// The other types' keys are learnt by reading them aside, errors and
	// secrets dropped: set, they are ignored (a compose file may set them
	// all), not unknown.
	for t, read := range readers {
		if t == l.Type || read == nil {
			continue
		}
		aside := newReader(r.root)
		read(ListenerKeys{r: aside, typ: t, secrets: new([]string)})
		for p := range aside.read {
			if !r.read[p] {
				r.others[p] = append(r.others[p], t)
			}
		}
	}
	return l
}

// acceptedTypes are Ocean's names, then the other registered types, sorted.
func acceptedTypes(readers map[ListenerType]ListenerReader) []string {
	var extra []string
	for t := range readers {
		if !slices.Contains(listenerTypes, string(t)) {
			extra = append(extra, string(t))
		}
	}
	slices.Sort(extra)
	return append(slices.Clip(listenerTypes), extra...)
}

// ListenerKeys reads one event listener type's own keys, under
// event_listener. (OCEAN__EVENT_LISTENER__<KEY>, eventListener.<key> in
// config.yaml). Keys are snake_case. An invalid value fails Load with the
// same one-line *Error as any other setting; the reader then returns def.
type ListenerKeys struct {
	r         *reader
	typ       ListenerType
	sensitive bool
	secrets   *[]string
}

const listenerPrefix = "event_listener."

// Sensitive returns keys whose values are secrets: an error never quotes
// them, Settings.Secrets lists them and Settings.Redacted hides them.
func (k ListenerKeys) Sensitive() ListenerKeys {
	k.sensitive = true
	return k
}

// Bool reads a boolean (true/false, yes/no, on/off, 1/0).
func (k ListenerKeys) Bool(key string, def bool) bool {
	return k.r.boolean(listenerPrefix+key, def)
}

// Seconds reads a positive integer number of seconds (or a Go duration).
func (k ListenerKeys) Seconds(key string, def time.Duration) time.Duration {
	return k.r.duration(listenerPrefix+key, def, time.Second, true)
}

// String reads a string.
func (k ListenerKeys) String(key, def string) string {
	return k.keep(k.r.text(listenerPrefix+key, def, k.sensitive))
}

// URL reads a URL, without a trailing slash; "" when unset, unless required:
// then its absence fails Load, naming the listener type.
func (k ListenerKeys) URL(key string, required bool) string {
	path := listenerPrefix + key
	u := k.r.url(path, "", k.sensitive)
	if u == "" && required && !k.r.failed(path) {
		k.r.missing(path, "a URL", "the "+string(k.typ)+" event listener", envName(path))
	}
	return k.keep(u)
}

// List reads a list of items described by what ("host:port"): a YAML or JSON
// list, a JSON array in a string or a comma-separated string. def applies
// when it is unset; given, it must hold at least one item.
func (k ListenerKeys) List(key, what string, def []string) []string {
	path := listenerPrefix + key
	if k.r.get(path).unset() {
		return slices.Clone(def)
	}
	expected := "a comma-separated list of " + what
	out := k.r.list(path, expected, k.sensitive)
	if len(out) == 0 {
		k.r.fail(k.r.root.get(path), expected, k.sensitive) // one error per entry: not twice
	}
	for _, v := range out {
		k.keep(v)
	}
	return out
}

// keep records v as a secret when the keys are sensitive.
func (k ListenerKeys) keep(v string) string {
	if k.sensitive && v != "" {
		*k.secrets = append(*k.secrets, v)
	}
	return v
}
