package kafkaconn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// Security protocols and SASL mechanisms Kafka accepts.
const (
	ProtocolPlaintext     = "PLAINTEXT"
	ProtocolSASLPlaintext = "SASL_PLAINTEXT"
	ProtocolSASLSSL       = "SASL_SSL"
	ProtocolSSL           = "SSL"

	MechanismSCRAMSHA512 = "SCRAM-SHA-512"
	MechanismSCRAMSHA256 = "SCRAM-SHA-256"
	MechanismPlain       = "PLAIN"
)

// DialTimeout bounds connecting to a broker.
const DialTimeout = 10 * time.Second

// Security is how to reach the brokers.
type Security struct {
	// Protocol is PLAINTEXT (also when empty), SASL_PLAINTEXT, SASL_SSL or SSL.
	Protocol string
	// Mechanism is the SASL mechanism: SCRAM-SHA-512 (also when empty),
	// SCRAM-SHA-256 or PLAIN.
	Mechanism string
	// Username and Password are the SASL credentials; they are never logged.
	Username, Password string
	// RootCAs verifies the brokers' certificates under TLS; nil: the
	// system's roots, else e.g. the private CA of self-hosted brokers.
	RootCAs *x509.CertPool
}

// Validate lists what makes s unusable.
func (s Security) Validate() []error {
	var errs []error
	switch s.protocol() {
	case ProtocolPlaintext, ProtocolSSL:
	case ProtocolSASLPlaintext, ProtocolSASLSSL:
		switch s.mechanism() {
		case MechanismSCRAMSHA512, MechanismSCRAMSHA256, MechanismPlain:
		default:
			errs = append(errs, fmt.Errorf("unknown SASL mechanism %q (want %s, %s or %s)",
				s.Mechanism, MechanismSCRAMSHA512, MechanismSCRAMSHA256, MechanismPlain))
		}
		if s.Username == "" || s.Password == "" {
			errs = append(errs, fmt.Errorf("security protocol %s needs a username and a password", s.protocol()))
		}
	default:
		errs = append(errs, fmt.Errorf("unknown security protocol %q (want %s, %s, %s or %s)",
			s.Protocol, ProtocolPlaintext, ProtocolSASLPlaintext, ProtocolSASLSSL, ProtocolSSL))
	}
	return errs
}

func (s Security) protocol() string {
	if s.Protocol == "" {
		return ProtocolPlaintext
	}
	return s.Protocol
}

func (s Security) mechanism() string {
	if s.Mechanism == "" {
		return MechanismSCRAMSHA512
	}
	return s.Mechanism
}

// Dialer is a dialer for consumer groups and readers.
func (s Security) Dialer() (*kafka.Dialer, error) {
	d := &kafka.Dialer{Timeout: DialTimeout, DualStack: true}
	var err error
	d.TLS = s.tls()
	d.SASLMechanism, err = s.sasl()
	return d, err
}

// Transport is a transport for writers and clients.
func (s Security) Transport() (*kafka.Transport, error) {
	mech, err := s.sasl()
	// A short metadata TTL: after UNKNOWN_TOPIC_OR_PARTITION (a topic being
	// created) a retry sees the topic soon.
	return &kafka.Transport{TLS: s.tls(), SASL: mech, DialTimeout: DialTimeout, MetadataTTL: time.Second}, err
}

func (s Security) tls() *tls.Config {
	if p := s.protocol(); p == ProtocolSASLSSL || p == ProtocolSSL {
		return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: s.RootCAs}
	}
	return nil
}

func (s Security) sasl() (sasl.Mechanism, error) {
	if p := s.protocol(); p != ProtocolSASLPlaintext && p != ProtocolSASLSSL {
		return nil, nil
	}
	var (
		mech sasl.Mechanism
		err  error
	)
	switch s.mechanism() {
	case MechanismSCRAMSHA512:
		mech, err = scram.Mechanism(scram.SHA512, s.Username, s.Password)
	case MechanismSCRAMSHA256:
		mech, err = scram.Mechanism(scram.SHA256, s.Username, s.Password)
	case MechanismPlain:
		mech = plain.Mechanism{Username: s.Username, Password: s.Password}
	}
	if err != nil { // the error names no credential
		return nil, fmt.Errorf("SASL %s: %w", s.mechanism(), err)
	}
	return mech, nil
}

// Permanent reports broker errors that retrying cannot fix: refused
// credentials or access.
func Permanent(err error) bool {
	for _, code := range []kafka.Error{kafka.SASLAuthenticationFailed, kafka.UnsupportedSASLMechanism,
		kafka.IllegalSASLState, kafka.TopicAuthorizationFailed, kafka.GroupAuthorizationFailed,
		kafka.ClusterAuthorizationFailed} {
		if errors.Is(err, code) {
			return true
		}
	}
	return false
}
