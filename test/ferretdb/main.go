// Command ferretdb runs FerretDB v1 (SQLite handler, or PostgreSQL with -postgresql-url) for Keel's
// tests and benchmarks.
// It wraps the embeddable package so a plain build from the Go module proxy works
// (the upstream CLI panics without generated version files).
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", env("FERRETDB_LISTEN_ADDR", "127.0.0.1:27017"), "TCP listen address")
	dataDir := flag.String("data-dir", env("FERRETDB_DATA_DIR", ""), "existing absolute directory for the SQLite files")
	postgresURL := flag.String("postgresql-url", env("FERRETDB_POSTGRESQL_URL", ""), "PostgreSQL backend instead of SQLite, e.g. postgres://user@127.0.0.1:5432/ferretdb")
	watchStdin := flag.Bool("stop-on-stdin-close", false, "exit when stdin closes (the parent process died)")
	flag.Parse()
	if *dataDir == "" && *postgresURL == "" {
		log.Fatal("-data-dir (or FERRETDB_DATA_DIR) or -postgresql-url is required")
	}
	config := ferretdb.Config{Handler: "sqlite", SQLiteURL: "file:" + *dataDir + "/"}
	if *postgresURL != "" {
		config = ferretdb.Config{Handler: "postgresql", PostgreSQLURL: *postgresURL}
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The embeddable package keeps no state file, starts no debug server and disables telemetry.
	config.Listener = ferretdb.ListenerConfig{TCP: *listen}
	config.Logger = logger
	f, err := ferretdb.New(&config)
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}
	if err := f.Run(ctx); err != nil {
		log.Fatal(err)
	}
}

func env(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
