// Package deploycheck holds the checks of the deployment files under deploy/ — the Dockerfile,
// docker-compose.yml, the ClickHouse users file for the image and the systemd units — which
// our machines cannot run (no Docker engine, no root systemd here): their syntax and the
// promises the docs make of them are tested instead.
package deploycheck
