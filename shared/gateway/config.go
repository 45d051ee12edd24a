package gateway

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// Config is the gateway's configuration. The zero value of every field means its default.
type Config struct {
	Root         string        // repository root holding func.yaml and functions/ (default ".")
	BinDir       string        // directory of the function binaries, <BinDir>/<function> (default "bin")
	DataDir      string        // directory of the embedded database octo.db (default ".octo")
	WebDir       string        // the web clients served outside /api/ (default <Root>/web; see WebDirEnv)
	Addr         string        // listen address (default "127.0.0.1:8080": a development gateway stays local)
	Listener     net.Listener  // when set, Run serves on it and ignores Addr
	MaxInstances int           // processes per function (default 4)
	IdleTimeout  time.Duration // when > 0, replaces every function's idle_timeout
	QueueTimeout time.Duration // longest wait for a busy function before 503 (default 10 s)
	StartTimeout time.Duration // longest wait for a process's socket (default 5 s, as the Fn agent)
	SocketRoot   string        // parent of the per-process socket directories ("" picks a short temp dir)
	Schedules    bool          // invoke scheduled functions at their cron times
	// CORSOrigins are the origins browsers may call the API from (exact origins or "*" alone; see
	// ParseCORSOrigins); empty disables CORS. The gateway is CORS's only owner: functions add none.
	CORSOrigins []string
	// Env is the environment passed through to the functions (default os.Environ()).
	Env []string
	// Logger receives the gateway's JSON log lines (default JSON on stderr).
	Logger *slog.Logger
	// FunctionOutput receives the functions' stdout and stderr (default os.Stderr).
	FunctionOutput io.Writer
	// Now is the clock of the rate limiter and the scheduler (default time.Now).
	Now func() time.Time
	// OpenAPI is the document served at OpenAPIPath (default spec.JSON, generated from the bundle).
	OpenAPI []byte
}

// ConfigFromEnv reads PORT, OCTO_ROOT, OCTO_BIN_DIR, OCTO_DATA_DIR, OCTO_MAX_INSTANCES,
// OCTO_IDLE_TIMEOUT, OCTO_QUEUE_TIMEOUT (Go durations), OCTO_SCHEDULES (1 or true) and
// OCTO_CORS_ORIGINS (see ParseCORSOrigins) and OCTO_WEB_DIR.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		Root:    getenv("OCTO_ROOT"),
		BinDir:  getenv("OCTO_BIN_DIR"),
		DataDir: getenv("OCTO_DATA_DIR"),
		WebDir:  getenv(WebDirEnv),
	}
	var errs []string
	origins, err := ParseCORSOrigins(getenv(CORSOriginsEnv))
	if err != nil {
		errs = append(errs, err.Error())
	}
	cfg.CORSOrigins = origins
	if port := getenv("PORT"); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			errs = append(errs, fmt.Sprintf("PORT %q is not a port number", port))
		}
		cfg.Addr = "127.0.0.1:" + port
	}
	if v := getenv("OCTO_MAX_INSTANCES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Sprintf("OCTO_MAX_INSTANCES %q must be a positive integer", v))
		}
		cfg.MaxInstances = n
	}
	for name, dst := range map[string]*time.Duration{"OCTO_IDLE_TIMEOUT": &cfg.IdleTimeout, "OCTO_QUEUE_TIMEOUT": &cfg.QueueTimeout} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Sprintf("%s %q must be a positive duration such as 30s", name, v))
			}
			*dst = d
		}
	}
	switch v := strings.ToLower(getenv("OCTO_SCHEDULES")); v {
	case "", "0", "false":
	case "1", "true":
		cfg.Schedules = true
	default:
		errs = append(errs, fmt.Sprintf("OCTO_SCHEDULES %q must be 1 or 0", v))
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return Config{}, fmt.Errorf("gateway: configuration: %s", strings.Join(errs, "; "))
	}
	return cfg, nil
}

func (c Config) withDefaults() Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.Root, ".")
	def(&c.BinDir, "bin")
	def(&c.DataDir, ".octo")
	def(&c.WebDir, filepath.Join(c.Root, "web"))
	def(&c.Addr, "127.0.0.1:8080")
	if c.MaxInstances <= 0 {
		c.MaxInstances = 4
	}
	if c.QueueTimeout <= 0 {
		c.QueueTimeout = 10 * time.Second
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = DefaultStartTimeout
	}
	if c.Env == nil {
		c.Env = os.Environ()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if c.FunctionOutput == nil {
		c.FunctionOutput = os.Stderr
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// DatabasePath returns the absolute path of the embedded database file in dataDir.
func DatabasePath(dataDir string) (string, error) {
	abs, err := filepath.Abs(filepath.Join(dataDir, "octo.db"))
	if err != nil {
		return "", fmt.Errorf("gateway: database path: %w", err)
	}
	return abs, nil
}

// notPassedThrough are parent variables that would make a function pick another runtime than the
// http-stream one the gateway speaks (package serve chooses by environment).
var notPassedThrough = []string{"PORT", "AWS_LAMBDA_RUNTIME_API", "FN_FORMAT", "FN_LISTENER"}

// FunctionEnv returns a function process's environment, in increasing precedence: the function's
// merged config map (as on OCI, function and application config become environment variables), the
// parent environment (so OTEL_* and local overrides reach the function), then the platform variables
// OCI sets (FN_APP_NAME=octo, FN_FN_NAME, FN_MEMORY, FN_TYPE=sync) and the local database:
// OCTO_DB_DRIVER=sqlite and OCTO_DB_DSN=dbPath. FN_FORMAT and FN_LISTENER are added by StartProcess.
func FunctionEnv(fn manifest.Function, dbPath string, parent []string) []string {
	vars := map[string]string{}
	for k, v := range fn.Config {
		vars[k] = v
	}
	for _, kv := range parent {
		k, v, ok := strings.Cut(kv, "=")
		if ok && !slices.Contains(notPassedThrough, k) {
			vars[k] = v
		}
	}
	vars["FN_APP_NAME"] = "octo"
	vars["FN_FN_NAME"] = fn.Name
	vars["FN_MEMORY"] = strconv.Itoa(fn.Memory)
	vars["FN_TYPE"] = "sync"
	vars["OCTO_DB_DRIVER"] = "sqlite"
	vars["OCTO_DB_DSN"] = dbPath
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	slices.Sort(env)
	return env
}
