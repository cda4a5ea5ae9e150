package reactor

import (
	"github.com/panjf2000/gnet/v2/pkg/logging"
	"github.com/rs/zerolog"
)

// gnetLogger sends gnet's own log lines to the server's logger.
type gnetLogger struct{ log zerolog.Logger }

var _ logging.Logger = gnetLogger{}

func (g gnetLogger) Debugf(f string, a ...any) { g.log.Debug().Str("src", "gnet").Msgf(f, a...) }
func (g gnetLogger) Infof(f string, a ...any)  { g.log.Debug().Str("src", "gnet").Msgf(f, a...) }
func (g gnetLogger) Warnf(f string, a ...any)  { g.log.Warn().Str("src", "gnet").Msgf(f, a...) }
func (g gnetLogger) Errorf(f string, a ...any) { g.log.Error().Str("src", "gnet").Msgf(f, a...) }
func (g gnetLogger) Fatalf(f string, a ...any) { g.log.Error().Str("src", "gnet").Msgf(f, a...) }
