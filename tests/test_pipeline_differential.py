"""Differential fuzzing of feature interactions: whole multi-layer trees.

Each feature has its own differential test; this one stacks them. hypothesis draws one
or two bases of realistic manifests (a Deployment, StatefulSet and CronJob referring to
ConfigMaps, Secrets, a ServiceAccount and a PVC through env/envFrom/volumes; Services,
RBAC, an Ingress and an HPA referring back to them), with their ConfigMaps and Secrets
either written as resources or generated; then one or two overlays and optional
components, each drawing from: namePrefix/nameSuffix, namespace, labels/commonLabels,
commonAnnotations, configMapGenerator/secretGenerator with behavior merge/replace/create
and generatorOptions, strategic-merge and JSON6902 patches (targets by name, regex,
kind and label selector), replicas, images, replacements (some reading a generated,
hashed name), vars (some referring to a prefixed Service) and builtin plugin configs
under ``transformers:``. kustomize-py and the reference build the top directory; the
output must be byte-identical, or both must fail.

A longer hunt: PIPELINE_FUZZ_EXAMPLES=2000 PIPELINE_FUZZ_RANDOM=1 pytest this file.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from support import assert_matches_reference, fuzz_settings, require_reference

pytestmark = [
    pytest.mark.reference,
    pytest.mark.filterwarnings("ignore::kustomize_py.KustomizeDeprecationWarning"),
]

require_reference()  # skips the module without the reference (pykustomize)


# -- manifests (realistic text; every name derives from a base's stem) -----------------


def deployment(n: str) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {n}
  labels:
    app: {n}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {n}
  template:
    metadata:
      labels:
        app: {n}
    spec:
      serviceAccountName: {n}-sa
      containers:
      - name: main
        image: nginx:1.21
        ports:
        - containerPort: 8080
        env:
        - name: MODE
          valueFrom:
            configMapKeyRef:
              name: {n}-cfg
              key: mode
        - name: PASSWORD
          valueFrom:
            secretKeyRef:
              name: {n}-creds
              key: password
        - name: UPSTREAM
          value: http://$(DB_SVC):5432/$(APP_SVC)
        envFrom:
        - configMapRef:
            name: {n}-cfg
        volumeMounts:
        - name: config
          mountPath: /etc/config
      - name: sidecar
        image: busybox
        args: ["--target=$(APP_SVC)"]
      volumes:
      - name: config
        configMap:
          name: {n}-cfg
      - name: creds
        secret:
          secretName: {n}-creds
      - name: data
        persistentVolumeClaim:
          claimName: {n}-data
"""


def statefulset(n: str) -> str:
    return f"""\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {n}-db
  labels:
    app: {n}-db
spec:
  serviceName: {n}-db
  replicas: 1
  selector:
    matchLabels:
      app: {n}-db
  template:
    metadata:
      labels:
        app: {n}-db
    spec:
      containers:
      - name: db
        image: postgres:13
        envFrom:
        - secretRef:
            name: {n}-creds
        volumeMounts:
        - name: pgdata
          mountPath: /var/lib/postgresql
  volumeClaimTemplates:
  - metadata:
      name: pgdata
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
"""


def cronjob(n: str) -> str:
    return f"""\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {n}-job
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: {n}-sa
          restartPolicy: OnFailure
          containers:
          - name: job
            image: busybox:1.36
            command: ["sh", "-c", "echo $(APP_SVC)"]
            envFrom:
            - configMapRef:
                name: {n}-cfg
            - secretRef:
                name: {n}-creds
"""


def service(n: str) -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata:
  name: {n}
  labels:
    app: {n}
spec:
  selector:
    app: {n}
  ports:
  - port: 80
    targetPort: 8080
"""


def db_service(n: str) -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata:
  name: {n}-db
spec:
  clusterIP: None
  selector:
    app: {n}-db
  ports:
  - port: 5432
"""


def config_map(n: str) -> str:
    return f"""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {n}-cfg
data:
  mode: dev
  level: "3"
"""


def secret(n: str) -> str:
    return f"""\
apiVersion: v1
kind: Secret
metadata:
  name: {n}-creds
type: Opaque
stringData:
  password: hunter2
"""


def service_account(n: str) -> str:
    return f"""\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {n}-sa
"""


def rbac(n: str) -> str:
    return f"""\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {n}-reader
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  resourceNames: ["{n}-cfg"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {n}-reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {n}-reader
subjects:
- kind: ServiceAccount
  name: {n}-sa
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {n}-admin
rules:
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {n}-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {n}-admin
subjects:
- kind: ServiceAccount
  name: {n}-sa
  namespace: default
"""


def ingress(n: str) -> str:
    return f"""\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {n}
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /
spec:
  tls:
  - hosts: [{n}.example.com]
    secretName: {n}-creds
  rules:
  - host: {n}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: {n}
            port:
              number: 80
"""


def hpa(n: str) -> str:
    return f"""\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {n}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {n}
  minReplicas: 1
  maxReplicas: 5
"""


def pvc(n: str) -> str:
    return f"""\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {n}-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 5Gi
"""


_MANIFESTS = {
    "deployment": deployment,
    "statefulset": statefulset,
    "cronjob": cronjob,
    "service": service,
    "db-service": db_service,
    "serviceaccount": service_account,
    "rbac": rbac,
    "ingress": ingress,
    "hpa": hpa,
    "pvc": pvc,
}
_STEMS = ["app", "web"]


# -- strategies --------------------------------------------------------------------

Files = dict[str, str]


def _write(directory: Path, kust: dict[str, Any], files: Files) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kustomization.yaml").write_text(json.dumps(kust, indent=1))
    for name, text in files.items():
        (directory / name).write_text(text)


@st.composite
def bases(draw: st.DrawFn, stem: str) -> tuple[dict[str, Any], Files]:
    optional = sorted(set(_MANIFESTS) - {"deployment", "service"})
    kinds = ["deployment", "service"]
    kinds += draw(st.lists(st.sampled_from(optional), max_size=8, unique=True))
    kinds = draw(st.permutations(kinds))
    files: Files = {}
    if draw(st.booleans()):
        files["all.yaml"] = "---\n".join(_MANIFESTS[k](stem) for k in kinds)
    else:
        for k in kinds:
            files[f"{k}.yaml"] = _MANIFESTS[k](stem)
    kust: dict[str, Any] = {"resources": list(files)}
    if draw(st.integers(0, 3)):
        kust["configMapGenerator"] = [
            {"name": f"{stem}-cfg", "literals": ["mode=base", f"stem={stem}"]}
        ]
    else:
        files["cm.yaml"] = config_map(stem)
        kust["resources"].append("cm.yaml")
    if draw(st.integers(0, 3)):
        entry: dict[str, Any] = {"name": f"{stem}-creds", "literals": ["password=s3cret"]}
        if draw(st.booleans()):
            files["token.txt"] = "abc\n"
            entry["files"] = ["token.txt"]
        kust["secretGenerator"] = [entry]
    else:
        files["secret.yaml"] = secret(stem)
        kust["resources"].append("secret.yaml")
    if draw(st.integers(0, 3)) == 0:
        kust["generatorOptions"] = draw(_GENERATOR_OPTIONS)
    if draw(st.integers(0, 3)) == 0:
        kust["namePrefix"] = f"{stem}-"
    if draw(st.integers(0, 3)) == 0:
        kust["namespace"] = draw(st.sampled_from(["base", "default"]))
    if draw(st.integers(0, 3)) == 0:
        kust["commonLabels"] = {"base": stem}
    if "db-service" in kinds and draw(st.integers(0, 2)) == 0:
        kust["vars"] = [_var("DB_SVC", "Service", f"{stem}-db")]
    return kust, files


_GENERATOR_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "disableNameSuffixHash": st.booleans(),
        "labels": st.just({"generated": "true"}),
        "annotations": st.just({"note": "gen"}),
    },
)


def _var(name: str, kind: str, target: str, path: str = "") -> dict[str, Any]:
    var: dict[str, Any] = {
        "name": name,
        "objref": {"apiVersion": "v1" if kind == "Service" else "apps/v1", "kind": kind},
    }
    var["objref"]["name"] = target
    if path:
        var["fieldref"] = {"fieldpath": path}
    return var


def _smp(draw: st.DrawFn, stem: str, targeted: bool = False) -> str:
    which = draw(st.integers(0, 4 if targeted else 3))
    if which == 0:
        return (
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {stem}\n"
            "spec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n"
            "      - name: main\n        env:\n        - name: EXTRA\n          value: yes\n"
            f"        envFrom:\n        - configMapRef:\n            name: {stem}-cfg\n"
        )
    if which == 1:
        return (
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {stem}\n"
            "spec:\n  template:\n    spec:\n      volumes:\n      - name: extra\n"
            f"        configMap:\n          name: {stem}-cfg\n"
        )
    if which == 2:
        return (
            f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {stem}\nspec:\n  type: NodePort\n"
        )
    if which == 3:
        return (
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {stem}-cfg\n"
            'data:\n  patched: "true"\n'
        )
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ignored\n"
        "  annotations:\n    patched: by-target\n"
    )


def _target(draw: st.DrawFn, stem: str) -> dict[str, Any]:
    which = draw(st.integers(0, 5))
    if which == 0:
        return {"kind": "Deployment"}
    if which == 1:
        return {"kind": "Deployment", "name": f"{stem}"}
    if which == 2:
        return {"name": f"{stem}.*"}
    if which == 3:
        return {"labelSelector": f"app={stem}"}
    if which == 4:
        return {"kind": "Service|Deployment", "name": f"^{stem}$"}
    return {"group": "apps", "version": "v1", "kind": "Deployment", "name": f"{stem}"}


@st.composite
def patches(draw: st.DrawFn, stem: str, files: Files) -> dict[str, Any]:
    kind = draw(st.sampled_from(["smp", "smp-target", "json", "json-file", "smp-file"]))
    if kind == "smp":
        return {"patch": _smp(draw, stem)}
    if kind == "smp-target":
        return {"patch": _smp(draw, stem, True), "target": _target(draw, stem)}
    if kind == "smp-file":
        name = f"patch{len(files)}.yaml"
        files[name] = _smp(draw, stem)
        return {"path": name}
    ops = draw(
        st.lists(
            st.sampled_from(
                [
                    {"op": "add", "path": "/metadata/labels/json", "value": "yes"},
                    {"op": "add", "path": "/spec/replicas", "value": 4},
                    {"op": "add", "path": "/metadata/labels/tier", "value": "backend"},
                    {"op": "replace", "path": "/metadata/name", "value": "renamed"},
                    {"op": "copy", "from": "/metadata/name", "path": "/metadata/labels/copy"},
                    {"op": "remove", "path": "/metadata/labels"},
                    {"op": "test", "path": "/kind", "value": "Deployment"},
                ]
            ),
            min_size=1,
            max_size=2,
        )
    )
    target = _target(draw, stem)
    if kind == "json-file":
        name = f"patch{len(files)}.json"
        files[name] = json.dumps(ops)
        return {"path": name, "target": target}
    return {"patch": json.dumps(ops), "target": target}


@st.composite
def replacements(draw: st.DrawFn, stem: str) -> dict[str, Any]:
    which = draw(st.integers(0, 3))
    if which == 0:  # a generated (maybe hashed) name into an annotation
        return {
            "source": {"kind": "ConfigMap", "name": f"{stem}-cfg"},
            "targets": [
                {
                    "select": {"kind": "Deployment"},
                    "fieldPaths": ["spec.template.metadata.annotations.config-name"],
                    "options": {"create": True},
                }
            ],
        }
    if which == 1:  # the Service's (prefixed) name into the Ingress backend
        return {
            "source": {"kind": "Service", "name": stem},
            "targets": [
                {
                    "select": {"kind": "Ingress"},
                    "fieldPaths": ["spec.rules.0.host"],
                    "options": {"delimiter": ".", "index": 0},
                }
            ],
        }
    if which == 2:  # an image across workloads
        return {
            "source": {
                "kind": "Deployment",
                "name": stem,
                "fieldPath": "spec.template.spec.containers.[name=main].image",
            },
            "targets": [
                {
                    "select": {"kind": "CronJob"},
                    "fieldPaths": ["spec.jobTemplate.spec.template.spec.containers.*.image"],
                }
            ],
        }
    return {  # a ConfigMap value into a label, rejecting by name
        "source": {"kind": "ConfigMap", "name": f"{stem}-cfg", "fieldPath": "data.mode"},
        "targets": [
            {
                "select": {"kind": "Deployment"},
                "reject": [{"name": "nothing"}],
                "fieldPaths": ["metadata.labels.mode"],
                "options": {"create": True},
            }
        ],
    }


def _plugin(draw: st.DrawFn, stem: str) -> dict[str, Any]:
    which = draw(st.integers(0, 5))
    meta = {"name": f"plugin{which}"}
    if which == 0:
        return {
            "apiVersion": "builtin",
            "kind": "PrefixSuffixTransformer",
            "metadata": meta,
            "prefix": "plug-",
            "fieldSpecs": [{"path": "metadata/name"}],
        }
    if which == 1:
        return {
            "apiVersion": "builtin",
            "kind": "LabelTransformer",
            "metadata": meta,
            "labels": {"plugged": "yes"},
            "fieldSpecs": [{"path": "metadata/labels", "create": True}],
        }
    if which == 2:
        return {
            "apiVersion": "builtin",
            "kind": "AnnotationsTransformer",
            "metadata": meta,
            "annotations": {"plugged": "yes"},
            "fieldSpecs": [{"path": "metadata/annotations", "create": True}],
        }
    if which == 3:
        return {
            "apiVersion": "builtin",
            "kind": "NamespaceTransformer",
            "metadata": {"name": "ns", "namespace": "plugged"},
            "fieldSpecs": [{"path": "metadata/namespace", "create": True}],
        }
    if which == 4:
        return {
            "apiVersion": "builtin",
            "kind": "ImageTagTransformer",
            "metadata": meta,
            "imageTag": {"name": "nginx", "newTag": "plugged"},
        }
    return {
        "apiVersion": "builtin",
        "kind": "PatchTransformer",
        "metadata": meta,
        "patch": '[{"op": "add", "path": "/metadata/annotations/plugged", "value": "yes"}]',
        "target": {"kind": "Deployment", "name": f"{stem}.*"},
    }


@st.composite
def layers(draw: st.DrawFn, stems: list[str], component: bool) -> tuple[dict[str, Any], Files]:
    """An overlay's (or a component's) kustomization fields and extra files."""
    files: Files = {}
    kust: dict[str, Any] = {}
    stem = lambda: draw(st.sampled_from(stems))  # noqa: E731
    if draw(st.integers(0, 2)) == 0:
        kust["namePrefix"] = draw(st.sampled_from(["dev-", "prod-", "x-"]))
    if draw(st.integers(0, 3)) == 0:
        kust["nameSuffix"] = draw(st.sampled_from(["-v1", "-blue"]))
    if draw(st.integers(0, 2)) == 0:
        kust["namespace"] = draw(st.sampled_from(["dev", "prod", "default"]))
    labels = draw(st.integers(0, 5))
    if labels == 0:
        kust["commonLabels"] = {"env": "dev"}
    elif labels == 1:
        kust["labels"] = [{"pairs": {"team": "a"}, "includeSelectors": draw(st.booleans())}]
    elif labels == 2:
        kust["labels"] = [{"pairs": {"team": "a"}, "includeTemplates": True}]
    if draw(st.integers(0, 3)) == 0:
        kust["commonAnnotations"] = {"owner": "ops", "version": "1.0"}
    for gen in ("configMapGenerator", "secretGenerator"):
        if draw(st.integers(0, 2)) == 0:
            s = stem()
            name = f"{s}-cfg" if gen == "configMapGenerator" else f"{s}-creds"
            behavior = draw(st.sampled_from(["merge", "merge", "merge", "replace", "create"]))
            if behavior == "create":  # a new generated object, named like the base's
                name = name.replace("-", "-extra-")
            entry: dict[str, Any] = {"name": name, "literals": ["mode=overlay", "new=1"]}
            if behavior:
                entry["behavior"] = behavior
            if draw(st.integers(0, 3)) == 0:
                entry["options"] = draw(_GENERATOR_OPTIONS)
            kust[gen] = [entry]
    if draw(st.integers(0, 4)) == 0:
        kust["generatorOptions"] = draw(_GENERATOR_OPTIONS)
    if draw(st.integers(0, 1)) == 0:
        count = draw(st.integers(1, 3))
        kust["patches"] = [draw(patches(stem(), files)) for _ in range(count)]
    if draw(st.integers(0, 3)) == 0:
        kust["replicas"] = [{"name": stem(), "count": 3}]
    if draw(st.integers(0, 3)) == 0:
        kust["images"] = [
            draw(
                st.sampled_from(
                    [
                        {"name": "nginx", "newTag": "1.25"},
                        {"name": "nginx", "newName": "registry.io/nginx", "newTag": "2"},
                        {"name": "busybox", "digest": "sha256:" + "a" * 64},
                        {"name": "postgres", "newName": "pg"},
                    ]
                )
            )
        ]
    if draw(st.integers(0, 3)) == 0:
        count = draw(st.integers(1, 2))
        kust["replacements"] = [draw(replacements(stem())) for _ in range(count)]
    if not component and draw(st.integers(0, 3)) == 0:
        s = stem()
        kust["vars"] = [
            draw(
                st.sampled_from(
                    [
                        _var("APP_SVC", "Service", s),
                        _var("APP_SVC", "Service", s, "metadata.namespace"),
                        _var("APP_SVC", "Deployment", s, "spec.replicas"),
                    ]
                )
            )
        ]
    if draw(st.integers(0, 4)) == 0:
        config = _plugin(draw, stem())
        if draw(st.booleans()):
            files["plugin.yaml"] = json.dumps(config)
            kust["transformers"] = ["plugin.yaml"]
        else:
            kust["transformers"] = [json.dumps(config)]
    legacy = draw(st.integers(0, 7))
    if legacy == 0:  # the deprecated patch fields, run at their own places in the order
        name = f"legacy{len(files)}.yaml"
        files[name] = _smp(draw, stem())
        kust["patchesStrategicMerge"] = [draw(st.sampled_from([name, _smp(draw, stem())]))]
    elif legacy == 1:
        kust["patchesJson6902"] = [
            {
                "target": {"group": "apps", "version": "v1", "kind": "Deployment", "name": stem()},
                "patch": '[{"op": "add", "path": "/spec/paused", "value": true}]',
            }
        ]
    if draw(st.integers(0, 5)) == 0:  # a resource of the layer's own, referring to a base
        s = stem()
        files["extra.yaml"] = (
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {s}-extra\n"
            f"data:\n  service: {s}\n---\n"
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n"
            f"  name: {s}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n"
            f"      app: {s}\n"
        )
        kust["resources"] = ["extra.yaml"]
    if draw(st.integers(0, 5)) == 0:
        s = stem()
        files["app.env"] = "LOG=debug\n# comment\nEMPTY=\n"
        files["app.conf"] = "key: value\n"
        kust.setdefault("configMapGenerator", []).append(
            {"name": f"{s}-files", "envs": ["app.env"], "files": ["conf=app.conf"]}
        )
    if not component and draw(st.integers(0, 7)) == 0:
        kust["sortOptions"] = {"order": "fifo"}
    return kust, files


@st.composite
def trees(draw: st.DrawFn) -> dict[str, tuple[dict[str, Any], Files]]:
    """``{directory: (kustomization, files)}``; the last entry is the build target."""
    stems = _STEMS[: draw(st.integers(1, 2))]
    tree: dict[str, tuple[dict[str, Any], Files]] = {}
    for s in stems:
        tree[f"base-{s}"] = draw(bases(s))
    comps = draw(st.integers(0, 2))
    for i in range(comps):
        kust, files = draw(layers(stems, component=True))
        kust = {"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component", **kust}
        tree[f"comp{i}"] = (kust, files)
    overlay, files = draw(layers(stems, component=False))
    overlay["resources"] = [f"../base-{s}" for s in stems] + overlay.get("resources", [])
    if comps:
        overlay["components"] = [f"../comp{i}" for i in range(comps)]
    tree["overlay"] = (overlay, files)
    if draw(st.booleans()):
        top, files = draw(layers(stems, component=False))
        top["resources"] = ["../overlay", *top.get("resources", [])]
        if comps and draw(st.booleans()):
            top["components"] = [f"../comp{comps - 1}"]
            overlay.pop("components")
            overlay["components"] = [f"../comp{i}" for i in range(comps - 1)] or []
            if not overlay["components"]:
                overlay.pop("components")
        tree["top"] = (top, files)
    return tree


# -- the test ----------------------------------------------------------------------


@fuzz_settings("PIPELINE", 60)
@given(tree=trees())
def test_pipeline_matches_reference(tree: dict[str, tuple[dict[str, Any], Files]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for directory, (kust, files) in tree.items():
            _write(root / directory, kust, files)
        target = root / list(tree)[-1]
        context = json.dumps({d: k for d, (k, _) in tree.items()}, indent=1)
        ref = assert_matches_reference(target, context)
        event("reference ok" if ref.ok else "reference failed")
