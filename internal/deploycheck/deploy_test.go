package deploycheck

import (
	"bufio"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v2"
)

const deploy = "../../deploy"

// TestDockerfile: every line is a Dockerfile instruction (or a continuation or comment),
// every stage copied from exists, the binary is built static and runs on a distroless base,
// and the health check uses the binary's own healthcheck command.
func TestDockerfile(t *testing.T) {
	f, err := os.Open(filepath.Join(deploy, "docker", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{"FROM": true, "RUN": true, "COPY": true, "WORKDIR": true, "USER": true, "EXPOSE": true,
		"HEALTHCHECK": true, "ENTRYPOINT": true, "CMD": true, "ARG": true, "ENV": true, "LABEL": true}
	stages := map[string]bool{}
	var froms []string
	var text strings.Builder
	sc := bufio.NewScanner(f)
	continued := false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		text.WriteString(line + "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !continued {
			word := strings.Fields(line)[0]
			if !known[word] {
				t.Errorf("Dockerfile line %d: %q is not an instruction", n, word)
			}
			if word == "FROM" {
				fields := strings.Fields(line)
				froms = append(froms, fields[1])
				if len(fields) == 4 && strings.EqualFold(fields[2], "AS") {
					stages[fields[3]] = true
				}
			}
			if m := regexp.MustCompile(`--from=(\S+)`).FindStringSubmatch(line); m != nil && !stages[m[1]] {
				t.Errorf("Dockerfile line %d: copies from stage %q, which is not defined above", n, m[1])
			}
		}
		continued = strings.HasSuffix(line, `\`)
	}
	body := text.String()
	for _, want := range []string{"CGO_ENABLED=0", "npm ci", "echarts.min.js", `"healthcheck"`, "USER nonroot"} {
		if !strings.Contains(body, want) {
			t.Errorf("Dockerfile lacks %s", want)
		}
	}
	if len(froms) < 3 || !strings.HasPrefix(froms[len(froms)-1], "gcr.io/distroless/static") {
		t.Errorf("stages %v: want assets, build and a distroless static base", froms)
	}
}

// TestCompose: the compose file parses; ClickHouse is the official image at a pinned version
// with a health check; the worker writes and the dashboard reads, sharing the inbox.
func TestCompose(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(deploy, "docker", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
			Healthcheck map[string]any    `yaml:"healthcheck"`
			DependsOn   map[string]any    `yaml:"depends_on"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	if err := yaml.Unmarshal(body, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	ch, ok := c.Services["clickhouse"]
	if !ok || !regexp.MustCompile(`^clickhouse/clickhouse-server:\d+\.\d+(\.\d+)*$`).MatchString(ch.Image) || ch.Healthcheck == nil {
		t.Errorf("clickhouse service %+v: want the official image at a pinned version, with a health check", ch)
	}
	ingest, serve := c.Services["ingest"], c.Services["serve"]
	if strings.Join(ingest.Command, " ") != "ingest --watch /inbox" || ingest.Environment["TRADESTAT_CLICKHOUSE_USER"] != "tradestat_writer" {
		t.Errorf("ingest service %+v: want the worker on /inbox as the writer", ingest)
	}
	if !strings.Contains(strings.Join(serve.Command, " "), "serve") || serve.Environment["TRADESTAT_CLICKHOUSE_USER"] != "tradestat_reader" ||
		serve.Environment["TRADESTAT_WRITER_USER"] != "tradestat_writer" {
		t.Errorf("serve service %+v: want serve as the reader, with the writer for its audit log", serve)
	}
	for name, s := range map[string][]string{"ingest": ingest.Volumes, "serve": serve.Volumes} {
		if !strings.Contains(strings.Join(s, " "), "inbox:/inbox") {
			t.Errorf("%s does not mount the shared inbox: %v", name, s)
		}
	}
	if _, ok := c.Volumes["inbox"]; !ok {
		t.Error("no inbox volume")
	}
}

// TestClickHouseUsers: the users file for the image is well-formed XML with both accounts.
func TestClickHouseUsers(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(deploy, "docker", "clickhouse-users.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Users struct {
			Reader struct {
				Profile string `xml:"profile"`
			} `xml:"tradestat_reader"`
			Writer struct {
				Profile string `xml:"profile"`
			} `xml:"tradestat_writer"`
		} `xml:"users"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("clickhouse-users.xml: %v", err)
	}
	if doc.Users.Reader.Profile != "reader" || doc.Users.Writer.Profile != "default" {
		t.Errorf("accounts %+v", doc.Users)
	}
}

// TestSystemdUnits: systemd's own checker accepts both units (pointed at a real binary, since
// it also checks that the command exists).
func TestSystemdUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze is needed to check the units (Debian package systemd; deploy/deps.sh installs it)")
	}
	dir := t.TempDir()
	units, err := filepath.Glob(filepath.Join(deploy, "systemd", "*.service"))
	if err != nil || len(units) != 2 {
		t.Fatalf("units %v, %v", units, err)
	}
	bin, err := exec.LookPath("true")
	if err != nil {
		t.Fatal(err)
	}
	var copies []string
	for _, u := range units {
		body, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(body), "/usr/local/bin/tradestat", bin)
		if !strings.Contains(text, "User=tradestat") || !strings.Contains(text, "EnvironmentFile=/etc/tradestat/tradestat.env") {
			t.Errorf("%s: want User=tradestat and the environment file", u)
		}
		p := filepath.Join(dir, filepath.Base(u))
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, p)
	}
	out, err := exec.Command(analyze, append([]string{"verify"}, copies...)...).CombinedOutput()
	// verify also reports units it could not find that these order themselves after
	// (clickhouse-server.service on a machine without it); only problems in ours count.
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line != "" && strings.Contains(line, "tradestat-") {
			t.Errorf("systemd-analyze verify: %s", line)
		}
	}
	if err != nil && strings.Contains(string(out), "tradestat-") {
		t.Errorf("systemd-analyze verify: %v", err)
	}
}

// TestClickHouseConfigs: every ClickHouse configuration file under deploy/ is well-formed XML.
func TestClickHouseConfigs(t *testing.T) {
	var files []string
	for _, pattern := range []string{"clickhouse/*.xml*", "cluster/*.xml*", "cluster/config.d/*.xml", "docker/*.xml"} {
		m, err := filepath.Glob(filepath.Join(deploy, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 6 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(strings.NewReader(string(body)))
		for {
			if _, err := d.Token(); err != nil {
				if err != io.EOF {
					t.Errorf("%s: %v", f, err)
				}
				break
			}
		}
	}
}
