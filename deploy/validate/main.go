// Command validate reads the output of `helm template` on stdin and checks every object offline:
// each document is decoded strictly (unknown or misspelt fields fail) into the Go type the
// Kubernetes API server itself uses for its apiVersion and kind (k8s.io/api, and the
// prometheus-operator types for ServiceMonitor and PrometheusRule), then a few properties Keel
// relies on are checked (probes, non-root read-only containers, termination grace above drain
// delay + shutdown grace, an appProtocol on the port). An unknown kind is an error too.
//
//	helm template keel deploy/helm/keel -f values.yaml | go run ./deploy/validate
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// newObject returns an empty object of the API type for apiVersion/kind.
func newObject(t typeMeta) (any, error) {
	switch t.APIVersion + "/" + t.Kind {
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}, nil
	case "v1/Secret":
		return &corev1.Secret{}, nil
	case "v1/Service":
		return &corev1.Service{}, nil
	case "apps/v1/Deployment":
		return &appsv1.Deployment{}, nil
	case "policy/v1/PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, nil
	case "autoscaling/v2/HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, nil
	case "monitoring.coreos.com/v1/ServiceMonitor":
		return &monitoringv1.ServiceMonitor{}, nil
	case "monitoring.coreos.com/v1/PrometheusRule":
		return &monitoringv1.PrometheusRule{}, nil
	}
	return nil, fmt.Errorf("unknown apiVersion/kind %s %s: add its type to deploy/validate", t.APIVersion, t.Kind)
}

func envMs(c corev1.Container, name string) int64 {
	for _, e := range c.Env {
		if e.Name == name {
			v, err := strconv.ParseInt(e.Value, 10, 64)
			if err == nil {
				return v
			}
		}
	}
	return 0
}

// checkDeployment holds Keel's own rules for its pods.
func checkDeployment(d *appsv1.Deployment) []string {
	var problems []string
	spec := d.Spec.Template.Spec
	if spec.SecurityContext == nil || spec.SecurityContext.RunAsNonRoot == nil || !*spec.SecurityContext.RunAsNonRoot {
		problems = append(problems, "pod must set securityContext.runAsNonRoot: true")
	}
	for _, c := range spec.Containers {
		sc := c.SecurityContext
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			problems = append(problems, c.Name+": readOnlyRootFilesystem must be true")
		}
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			problems = append(problems, c.Name+": allowPrivilegeEscalation must be false")
		}
		if c.LivenessProbe == nil || c.ReadinessProbe == nil || c.StartupProbe == nil {
			problems = append(problems, c.Name+": needs startup, liveness and readiness probes")
		} else if c.ReadinessProbe.GRPC != nil && c.LivenessProbe.GRPC != nil &&
			ptrString(c.ReadinessProbe.GRPC.Service) == ptrString(c.LivenessProbe.GRPC.Service) {
			problems = append(problems, c.Name+": liveness and readiness ask the same health service; a database outage would restart pods")
		}
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
			problems = append(problems, c.Name+": needs cpu and memory requests and a memory limit")
		}
		drain := envMs(c, "KEEL_DRAIN_DELAY_MS") + envMs(c, "KEEL_SHUTDOWN_GRACE_MS")
		if spec.TerminationGracePeriodSeconds == nil || *spec.TerminationGracePeriodSeconds*1000 <= drain {
			problems = append(problems, fmt.Sprintf("%s: terminationGracePeriodSeconds must exceed drain delay + shutdown grace (%d ms)", c.Name, drain))
		}
	}
	return problems
}

func ptrString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func checkService(s *corev1.Service) []string {
	var problems []string
	for _, p := range s.Spec.Ports {
		if p.AppProtocol == nil || *p.AppProtocol == "" {
			problems = append(problems, "port "+p.Name+" needs an appProtocol so meshes route it as HTTP/2")
		}
	}
	return problems
}

func validate(doc []byte) (string, []string, error) {
	var t typeMeta
	if err := yaml.Unmarshal(doc, &t); err != nil {
		return "", nil, err
	}
	obj, err := newObject(t)
	if err != nil {
		return "", nil, err
	}
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return "", nil, fmt.Errorf("%s: %w", t.Kind, err)
	}
	var problems []string
	switch o := obj.(type) {
	case *appsv1.Deployment:
		problems = checkDeployment(o)
	case *corev1.Service:
		problems = checkService(o)
	}
	return t.Kind, problems, nil
}

func main() {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(os.Stdin))
	count, failed := 0, false
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "read:", err)
			os.Exit(2)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		count++
		kind, problems, err := validate(doc)
		if err != nil {
			fmt.Fprintln(os.Stderr, "invalid:", err)
			failed = true
			continue
		}
		for _, p := range problems {
			fmt.Fprintf(os.Stderr, "%s: %s\n", kind, p)
			failed = true
		}
	}
	if count == 0 {
		fmt.Fprintln(os.Stderr, "no objects on stdin")
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
	fmt.Printf("%d objects valid\n", count)
}

// stripComments drops comment-only lines so a document holding only "# Source: …" counts as empty.
func stripComments(doc []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line...)
			out = append(out, '\n')
		}
	}
	return out
}
