package stream

import (
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/reactor-nats/reactor/subtrie"
)

const (
	// APILevel is the JetStream API level reactor serves: nats-server v2.15's.
	APILevel = 5
	// serverVersion is the nats-server version whose JetStream API reactor speaks (stream metadata's
	// _nats.ver).
	serverVersion = "2.15.2"

	defaultDuplicates = 2 * time.Minute

	metaReqLevel = "_nats.req.level" // stored: the API level the configuration needs
	metaLevel    = "_nats.level"     // added to responses: the server's API level
	metaVersion  = "_nats.ver"       // added to responses: the server's version
)

// checkConfig validates a requested configuration as nats-server does, in its order, and returns it with
// nats-server's defaults filled in. create refuses what only an update may do (sealing).
func checkConfig(cfg Config, create bool) (Config, *APIError) {
	if e := streamNameProblem(cfg.Name); e != nil {
		return cfg, e
	}
	switch {
	case cfg.Replicas < 0:
		return cfg, ErrReplicasNegative
	case cfg.Replicas > 1:
		return cfg, ErrReplicasNotSupported
	case cfg.Replicas == 0:
		cfg.Replicas = 1
	}
	if e := unsupported(&cfg); e != nil {
		return cfg, e
	}
	switch cfg.Compression {
	case "":
		cfg.Compression = "none"
	case "none", "s2":
	default:
		return cfg, invalidJSON("unknown compression algorithm")
	}
	if cfg.MaxAge < 0 {
		return cfg, invalidConfig("max age can not be negative")
	}
	if cfg.Duplicates < 0 {
		return cfg, invalidConfig("duplicates window can not be negative")
	}
	unlimitedIfUnset(&cfg.MaxMsgs)
	unlimitedIfUnset(&cfg.MaxBytes)
	unlimitedIfUnset(&cfg.MaxMsgsPer)
	if cfg.MaxConsumers <= 0 {
		cfg.MaxConsumers = -1
	}
	if cfg.MaxMsgSize <= 0 {
		cfg.MaxMsgSize = -1
	}
	switch {
	case cfg.Duplicates == 0 && cfg.MaxAge > 0 && cfg.MaxAge < defaultDuplicates:
		cfg.Duplicates = cfg.MaxAge
	case cfg.Duplicates == 0:
		cfg.Duplicates = defaultDuplicates
	case cfg.MaxAge > 0 && cfg.Duplicates > cfg.MaxAge:
		return cfg, invalidConfig("duplicates window can not be larger then max age")
	}
	if cfg.DiscardNewPer {
		if cfg.Discard != DiscardNew {
			return cfg, invalidConfig("discard new per subject requires discard new policy to be set")
		}
		if cfg.MaxMsgsPer <= 0 {
			return cfg, invalidConfig("discard new per subject requires max msgs per subject > 0")
		}
	}
	if cfg.AllowRollup && cfg.DenyPurge && !cfg.Sealed {
		return cfg, invalidConfig("roll-ups require the purge permission")
	}
	if cfg.SubjectDeleteMarkerTTL != 0 {
		if cfg.SubjectDeleteMarkerTTL < time.Second {
			return cfg, invalidConfig("subject delete marker TTL must be at least 1 second")
		}
		cfg.AllowMsgTTL, cfg.AllowRollup = true, true
	}
	if cfg.Sealed {
		if create {
			return cfg, invalidConfig("stream configuration for create can not be sealed")
		}
		cfg.Discard, cfg.DenyDelete, cfg.DenyPurge, cfg.AllowRollup = DiscardNew, true, true, false
	}
	if len(cfg.Subjects) == 0 {
		cfg.Subjects = []string{cfg.Name}
	}
	if e := checkSubjects(cfg.Subjects, cfg.NoAck); e != nil {
		return cfg, e
	}
	cfg.Metadata = storedMetadata(&cfg)
	return cfg, nil
}

// unlimitedIfUnset turns nats-server's "unset" (zero or any negative) into its -1.
func unlimitedIfUnset(v *int64) {
	if *v <= 0 {
		*v = -1
	}
}

// unsupported refuses, by name, the stream features reactor does not implement yet, rather than
// accepting a configuration it would silently not honour. Placement is accepted: on a single server
// nats-server accepts and ignores it too. allow_atomic and allow_batched are accepted because `nats bench
// js pub --create` sets them on every stream it makes; a batch publish is still refused, as on a stream
// that does not allow it (refusedFeature), so nothing is silently stored otherwise than asked.
func unsupported(cfg *Config) *APIError {
	notYet := func(what string) *APIError { return invalidConfig(what + " not supported by this server yet") }
	switch {
	case len(cfg.Mirror) > 0 && string(cfg.Mirror) != "null":
		return notYet("stream mirrors are")
	case len(cfg.Sources) > 0 && string(cfg.Sources) != "null" && string(cfg.Sources) != "[]":
		return notYet("stream sources are")
	case len(cfg.SubjectTransform) > 0 && string(cfg.SubjectTransform) != "null":
		return notYet("stream subject transforms are")
	case len(cfg.RePublish) > 0 && string(cfg.RePublish) != "null":
		return notYet("stream republish is")
	case cfg.AllowMsgCounter:
		return notYet("message counters are")
	case cfg.AllowMsgSchedules:
		return notYet("message schedules are")
	case cfg.PersistMode != "" && cfg.PersistMode != "default":
		return notYet("persist mode " + strconv.Quote(cfg.PersistMode) + " is")
	}
	return nil
}

// checkSubjects applies nats-server's rules to a stream's own subjects: each valid, none capturing
// everything or the JetStream or system API unless no_ack, and none overlapping another.
func checkSubjects(subjects []string, noAck bool) *APIError {
	for i, subj := range subjects {
		if !subtrie.ValidSubject([]byte(subj)) {
			return invalidConfig("invalid subject")
		}
		if !noAck {
			switch {
			case subj == ">":
				return invalidConfig("capturing all subjects requires no-ack to be true")
			case subjectsCollide(subj, "$JS.>"):
				return invalidConfig("subjects that overlap with jetstream api require no-ack to be true")
			case subjectsCollide(subj, "$SYS.>"):
				return invalidConfig("subjects that overlap with system api require no-ack to be true")
			}
		}
		for _, earlier := range subjects[:i] {
			if subjectsCollide(earlier, subj) {
				return invalidConfig(fmt.Sprintf("subject %q overlaps with %q", earlier, subj))
			}
		}
	}
	return nil
}

// storedMetadata is the request's metadata without the server's own keys, plus the API level the
// configuration needs, as nats-server stores it (observed: 1 for per-message TTLs, 2 for allow_atomic, 4
// for allow_batched, else 0).
func storedMetadata(cfg *Config) map[string]string {
	md := make(map[string]string, len(cfg.Metadata)+1)
	for k, v := range cfg.Metadata {
		if k != metaLevel && k != metaVersion && k != metaReqLevel {
			md[k] = v
		}
	}
	level := "0"
	switch {
	case cfg.AllowBatchPublish:
		level = "4"
	case cfg.AllowAtomicPublish:
		level = "2"
	case cfg.AllowMsgTTL || cfg.SubjectDeleteMarkerTTL > 0:
		level = "1"
	}
	md[metaReqLevel] = level
	return md
}

// withServerMetadata is the configuration as create, update and info responses show it: the stored
// metadata plus the server's API level and version.
func withServerMetadata(cfg Config) Config {
	md := maps.Clone(cfg.Metadata)
	if md == nil {
		md = make(map[string]string, 2)
	}
	md[metaLevel] = strconv.Itoa(APILevel)
	md[metaVersion] = serverVersion
	cfg.Metadata = md
	return cfg
}

// checkUpdate applies nats-server's rules for changing old into cfg (both defaulted).
func checkUpdate(old, cfg Config) *APIError {
	switch {
	case cfg.Storage != old.Storage:
		return invalidConfig("stream configuration update can not change storage type")
	case (cfg.Retention == WorkQueuePolicy) != (old.Retention == WorkQueuePolicy):
		return invalidConfig("stream configuration update can not change retention policy to/from workqueue")
	case old.DenyDelete && !cfg.DenyDelete:
		return invalidConfig("stream configuration update can not cancel deny message deletes")
	case old.DenyPurge && !cfg.DenyPurge:
		return invalidConfig("stream configuration update can not cancel deny purge")
	case old.Sealed && !cfg.Sealed:
		return invalidConfig("stream configuration update can not unseal a sealed stream")
	}
	return nil
}
