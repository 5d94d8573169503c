"""Benchmark tree generators (stdlib only).

Every tree is deterministic: the same name always produces byte-identical files, so
timings from different runs and machines are comparable. The first four trees use only
``resources``, ``namespace`` and ``images``; ``fullN`` exercises every transformer.

Trees:

* ``seed``    the seed repo's production overlay (the committed fixture when present,
              else a small equivalent generated here);
* ``n100``    a base of 100 resources plus an overlay with ``namespace`` and 20 ``images``;
* ``n1000``   the same with 1,000 resources;
* ``chain50`` 50 chained overlays over a 10-resource base, each renaming the image the
              previous layer produced;
* ``full1000`` the 1,000-resource base under an overlay using the whole pipeline:
              a ConfigMap generator (referenced by every workload), strategic-merge and
              JSON 6902 patches on every Deployment, ``namePrefix``, ``labels``,
              ``commonAnnotations``, ``replicas``, ``namespace`` and ``images``.

Run ``python bench/gen.py [--out DIR] [TREE ...]`` to generate without timing anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TREES", "Tree", "dump_yaml", "generate"]

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
SEED_FIXTURE = REPO / "fixtures" / "namespace-scheduler" / "manifests" / "overlays" / "production"
TREES = ("seed", "n100", "n1000", "chain50", "full1000")
KUSTOMIZATION_HEAD = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}


@dataclass(frozen=True)
class Tree:
    name: str
    root: Path  # the directory to build
    resources: int | None  # None when unknown (the committed fixture)
    origin: str  # "generated" or "fixture"


# -- a tiny block-style YAML emitter ----------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./:@=+-]*")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
# Anything YAML 1.1 or 1.2 could read as a number, a date or a sexagesimal: quote it.
_NUMERIC = re.compile(r"[-+]?(\.?[0-9][0-9_.:eE+-]*|0[xXoO][0-9a-fA-F_]+|\.inf|\.nan)")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED and not _NUMERIC.fullmatch(text):
        return text
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


def _emit(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        lines: list[str] = []
        for key, item in value.items():
            head = f"{pad}{_scalar(key)}:"
            if isinstance(item, dict) and item:
                lines += [head, *_emit(item, indent + 2)]
            elif isinstance(item, list) and item:
                lines += [head, *_emit(item, indent)]
            elif isinstance(item, str) and "\n" in item.rstrip("\n"):
                lines.append(f"{head} |" + ("" if item.endswith("\n") else "-"))
                lines += [f"{pad}  {ln}" if ln else "" for ln in item.splitlines()]
            elif isinstance(item, dict | list):
                lines.append(f"{head} {'{}' if isinstance(item, dict) else '[]'}")
            else:
                lines.append(f"{head} {_scalar(item)}")
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            sub = _emit(item, indent + 2)
            lines.append(f"{pad}- {sub[0][indent + 2 :]}")
            lines += sub[1:]
        return lines
    return [pad + _scalar(value)]


def dump_yaml(*docs: dict[str, Any]) -> str:
    """Block-style YAML for one or more documents, separated by ``---``."""
    return "---\n".join("\n".join(_emit(doc, 0)) + "\n" for doc in docs)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _kustomization(**fields: Any) -> str:
    return dump_yaml({**KUSTOMIZATION_HEAD, **{k: v for k, v in fields.items() if v}})


# -- realistic resources --------------------------------------------------------------

TEAMS = ("payments", "orders", "search", "identity", "platform", "analytics", "catalog", "notify")
COMPONENTS = ("api", "worker", "gateway", "indexer", "scheduler", "cache", "ingest", "reporter")


def _digest(seed: str) -> str:
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


# Twenty distinct images: Docker Hub short names, registries with paths and ports, ECR,
# a tagless one and one pinned by digest.
IMAGES: tuple[str, ...] = (
    "nginx:1.25.3",
    "redis:7.2-alpine",
    "postgres:16.1",
    "busybox:1.36",
    "alpine",
    "python:3.11-slim",
    "node:20-bullseye",
    "envoyproxy/envoy:v1.28.0",
    "docker.io/library/memcached:1.6.22",
    "quay.io/prometheus/node-exporter:v1.7.0",
    "gcr.io/acme-prod/api-gateway:v2.3.1",
    "gcr.io/acme-prod/billing-worker:v0.9.12",
    "ghcr.io/acme/frontend:2024.01.15",
    "ghcr.io/acme/search-indexer@" + _digest("search-indexer"),
    "registry.internal:5000/platform/log-shipper:3.4",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.8.0",
    "bitnami/kafka:3.6",
    "curlimages/curl:8.5.0",
    "acme/migrations:latest",
    "acme/reporter:2.0",
)
ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def _image_name(image: str) -> str:
    """The image without its tag or digest (the ``name`` an ``images:`` entry matches)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    return name


def _images_block() -> list[dict[str, str]]:
    """One entry per image, cycling through the newName / newTag / digest combinations."""
    entries = []
    for i, image in enumerate(IMAGES):
        name = _image_name(image)
        short = name.rsplit("/", 1)[-1]
        entry = {"name": name}
        match i % 6:
            case 0:
                entry["newTag"] = f"{i}.{i * 7 % 10}.0"
            case 1:
                entry["newName"] = f"{ECR}/mirror/{short}"
            case 2:
                entry["digest"] = _digest(f"digest-{i}")
            case 3:
                entry["newName"] = f"{ECR}/{short}"
                entry["newTag"] = f"v{i}.1.{i % 4}"
            case 4:
                entry["newName"] = f"mirror.acme.io/{short}"
                entry["digest"] = _digest(f"mirror-{i}")
            case _:
                entry["newTag"] = f"release-{i}"
                entry["digest"] = _digest(f"both-{i}")
        entries.append(entry)
    return entries


def _labels(app: str, team: str, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": app,
        "app.kubernetes.io/part-of": team,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/managed-by": "kustomize",
        "team": team,
    }


def _annotations(rng: random.Random, team: str) -> dict[str, str]:
    notes = {
        "acme.io/owner": f"{team}@acme.io",
        "acme.io/runbook": f"https://runbooks.acme.io/{team}",
    }
    if rng.random() < 0.5:
        notes["prometheus.io/scrape"] = "true"
        notes["prometheus.io/port"] = "9090"
    return notes


def _container(rng: random.Random, name: str, image: str, app: str, port: int) -> dict[str, Any]:
    cpu = rng.choice((50, 100, 250, 500))
    mem = rng.choice((64, 128, 256, 512, 1024))
    container: dict[str, Any] = {
        "name": name,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "env": [
            {"name": "APP_NAME", "value": app},
            {"name": "LOG_LEVEL", "value": rng.choice(("info", "debug", "warn"))},
            {"name": "HTTP_PORT", "value": str(port)},
            {"name": "FEATURE_FLAGS_ENABLED", "value": "true"},
            {
                "name": "POD_NAMESPACE",
                "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}},
            },
            {
                "name": "DB_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": f"{app}-db", "key": "password"}},
            },
        ],
        "envFrom": [{"configMapRef": {"name": f"{app}-config"}}],
        "resources": {
            "requests": {"cpu": f"{cpu}m", "memory": f"{mem}Mi"},
            "limits": {"cpu": f"{cpu * 4}m", "memory": f"{mem * 2}Mi"},
        },
        "livenessProbe": {
            "httpGet": {"path": "/healthz", "port": "http"},
            "initialDelaySeconds": 15,
            "periodSeconds": 20,
        },
        "readinessProbe": {
            "httpGet": {"path": "/ready", "port": "http"},
            "initialDelaySeconds": 5,
            "periodSeconds": 10,
            "failureThreshold": 3,
        },
        "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": True}],
    }
    if rng.random() < 0.3:
        container["args"] = ["--config=/etc/app/app.properties", f"--port={port}"]
    return container


def _pod_spec(
    rng: random.Random, app: str, labels: dict[str, str], images: list[str], restart: str | None
) -> dict[str, Any]:
    containers = [_container(rng, app, images[0], app, 8080)]
    sidecars = ("proxy", "metrics", "log-shipper")
    for n, image in enumerate(images[1:]):
        containers.append(_container(rng, sidecars[n], image, app, 9000 + n))
    spec: dict[str, Any] = {
        "serviceAccountName": app,
        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "fsGroup": 10001},
    }
    if restart:
        spec["restartPolicy"] = restart
    if rng.random() < 0.25:
        spec["initContainers"] = [
            {"name": "wait-for-db", "image": images[-1], "command": ["sh", "-c", "sleep 2"]}
        ]
    spec["containers"] = containers
    spec["volumes"] = [{"name": "config", "configMap": {"name": f"{app}-config"}}]
    if rng.random() < 0.3:
        spec["nodeSelector"] = {"kubernetes.io/os": "linux", "acme.io/pool": "general"}
        spec["tolerations"] = [
            {"key": "dedicated", "operator": "Equal", "value": "general", "effect": "NoSchedule"}
        ]
    return {
        "metadata": {"labels": labels, "annotations": {"checksum/config": _digest(app)[7:]}},
        "spec": spec,
    }


def _workload(
    rng: random.Random, kind: str, *, app: str, team: str, component: str, images: list[str]
) -> dict[str, Any]:
    labels = _labels(app, team, component)
    selector = {"app.kubernetes.io/name": app}
    meta = {"name": app, "labels": labels, "annotations": _annotations(rng, team)}
    if kind == "CronJob":
        pod = _pod_spec(rng, app, labels, images, "OnFailure")
        return {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": meta,
            "spec": {
                "schedule": f"*/{rng.choice((5, 15, 30))} * * * *",
                "concurrencyPolicy": "Forbid",
                "successfulJobsHistoryLimit": 3,
                "jobTemplate": {"spec": {"backoffLimit": 2, "template": pod}},
            },
        }
    pod = _pod_spec(rng, app, labels, images, None)
    spec: dict[str, Any] = {
        "replicas": rng.choice((1, 2, 3, 5)),
        "selector": {"matchLabels": selector},
    }
    if kind == "StatefulSet":
        spec["serviceName"] = app
    spec["template"] = pod
    if kind == "StatefulSet":
        spec["volumeClaimTemplates"] = [
            {
                "metadata": {"name": "data"},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": f"{rng.choice((1, 10, 50))}Gi"}},
                },
            }
        ]
    else:
        spec["strategy"] = {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
        }
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta, "spec": spec}


def _service(app: str, team: str, component: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": app, "labels": _labels(app, team, component)},
        "spec": {
            "type": "ClusterIP",
            "selector": {"app.kubernetes.io/name": app},
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def _configmap(rng: random.Random, app: str, team: str, component: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{app}-config", "labels": _labels(app, team, component)},
        "data": {
            "LOG_FORMAT": "json",
            "MAX_CONNECTIONS": str(rng.choice((10, 50, 100))),
            "CACHE_TTL": f"{rng.choice((30, 60, 300))}s",
            "app.properties": (
                f"server.port=8080\nteam={team}\ncomponent={component}\nretries=3\n"
            ),
        },
    }


def _service_account(app: str, team: str, component: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": app, "labels": _labels(app, team, component)},
    }


def _bundles(rng: random.Random, count: int, pick_images: Any) -> list[tuple[str, dict[str, Any]]]:
    """``count`` resources as (team, resource), one app bundle after another."""
    out: list[tuple[str, dict[str, Any]]] = []
    i = 0
    while len(out) < count:
        team, component = TEAMS[i % len(TEAMS)], COMPONENTS[(i // len(TEAMS)) % len(COMPONENTS)]
        app = f"{team}-{component}-{i:04d}"
        kind = rng.choices(("Deployment", "StatefulSet", "CronJob"), weights=(6, 2, 2))[0]
        bundle = [
            _service_account(app, team, component),
            _configmap(rng, app, team, component),
            _workload(rng, kind, app=app, team=team, component=component, images=pick_images(rng)),
        ]
        if kind != "CronJob":
            bundle.append(_service(app, team, component))
        out += [(team, res) for res in bundle]
        i += 1
    return out[:count]


def _write_base(base: Path, resources: list[tuple[str, dict[str, Any]]]) -> None:
    """One file per (team, kind), e.g. ``base/payments/deployments.yaml``."""
    files: dict[str, list[dict[str, Any]]] = {}
    for team, res in resources:
        files.setdefault(f"{team}/{res['kind'].lower()}s.yaml", []).append(res)
    for rel, docs in files.items():
        _write(base / rel, dump_yaml(*docs))
    _write(base / "kustomization.yaml", _kustomization(resources=sorted(files)))


# -- the trees ------------------------------------------------------------------------


def gen_seed(out: Path) -> Tree:
    if (SEED_FIXTURE / "kustomization.yaml").is_file():
        return Tree("seed", SEED_FIXTURE, None, "fixture")
    root = out / "seed"
    base = root / "base"
    docs: list[dict[str, Any]] = []
    for tier, port in (("frontend", 3000), ("backend", 8080)):
        app = f"task-scheduler-{tier}"
        labels = {"app": app, "tier": tier}
        docs.append(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": app, "labels": labels},
                "spec": {
                    "replicas": 2,
                    "selector": {"matchLabels": {"app": app}},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {
                            "serviceAccountName": "task-scheduler",
                            "containers": [
                                {
                                    "name": tier,
                                    "image": f"{app}:latest",
                                    "ports": [{"containerPort": port}],
                                }
                            ],
                        },
                    },
                },
            }
        )
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": app, "labels": labels},
                "spec": {"selector": {"app": app}, "ports": [{"port": 80, "targetPort": port}]},
            }
        )
    docs.append(
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "task-scheduler"}}
    )
    _write(base / "resources.yaml", dump_yaml(*docs))
    _write(base / "kustomization.yaml", _kustomization(resources=["resources.yaml"]))
    overlay = root / "overlays" / "production"
    images = [
        {
            "name": f"task-scheduler-{tier}",
            "newName": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/task-scheduler-{tier}",
            "newTag": "v1.4.2",
        }
        for tier in ("frontend", "backend")
    ]
    _write(
        overlay / "kustomization.yaml",
        _kustomization(resources=["../../base"], namespace="task-scheduler", images=images),
    )
    return Tree("seed", overlay, len(docs), "generated")


def gen_sized(out: Path, name: str, count: int) -> Tree:
    rng = random.Random(f"bench-{name}")

    def pick(r: random.Random) -> list[str]:
        return r.sample(IMAGES, r.choices((1, 2, 3), weights=(5, 3, 2))[0])

    root = out / name
    _write_base(root / "base", _bundles(rng, count, pick))
    overlay = root / "overlays" / "production"
    _write(
        overlay / "kustomization.yaml",
        _kustomization(resources=["../../base"], namespace="bench-prod", images=_images_block()),
    )
    return Tree(name, overlay, count, "generated")


def gen_chain(out: Path, name: str, depth: int, base_resources: int = 10) -> Tree:
    """``depth`` overlays; layer k renames the image layer k-1 produced."""
    rng = random.Random(f"bench-{name}")
    app_image = "acme/app"

    def pick(r: random.Random) -> list[str]:
        return [f"{app_image}:1.0", *r.sample(IMAGES, r.choice((0, 1)))]

    root = out / name
    _write_base(root / "base", _bundles(rng, base_resources, pick))
    prev_dir, prev_name = "base", app_image
    for k in range(1, depth + 1):
        layer = f"layer-{k:02d}"
        new_name = f"registry.acme.io/layer{k:02d}/app"
        images = [{"name": prev_name, "newName": new_name, "newTag": f"1.{k}"}]
        _write(
            root / layer / "kustomization.yaml",
            _kustomization(resources=[f"../{prev_dir}"], images=images),
        )
        prev_dir, prev_name = layer, new_name
    return Tree(name, root / prev_dir, base_resources, "generated")


def gen_full(out: Path, name: str, count: int) -> Tree:
    """``count`` resources under an overlay that runs every builtin transformer."""
    rng = random.Random(f"bench-{name}")

    def pick(r: random.Random) -> list[str]:
        return r.sample(IMAGES, r.choices((1, 2, 3), weights=(5, 3, 2))[0])

    root = out / name
    bundles = _bundles(rng, count, pick)
    for _, res in bundles:  # every workload also reads the generated ConfigMap
        if res["kind"] not in ("Deployment", "StatefulSet", "CronJob"):
            continue
        spec = res["spec"].get("jobTemplate", res)["spec"]["template"]["spec"]
        spec["volumes"].append({"name": "shared", "configMap": {"name": "shared-settings"}})
    _write_base(root / "base", bundles)
    overlay = root / "overlays" / "production"
    deployments = [res["metadata"]["name"] for _, res in bundles if res["kind"] == "Deployment"]
    smp = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "any"},
        "spec": {"template": {"spec": {"terminationGracePeriodSeconds": 45}}},
    }
    json6902 = [{"op": "add", "path": "/spec/minReadySeconds", "value": 10}]
    _write(overlay / "smp.yaml", dump_yaml(smp))
    _write(
        overlay / "kustomization.yaml",
        _kustomization(
            resources=["../../base"],
            namespace="bench-prod",
            namePrefix="prod-",
            labels=[{"pairs": {"env": "production"}, "includeSelectors": False}],
            commonAnnotations={"acme.io/release": "2024-01-15"},
            configMapGenerator=[
                {"name": "shared-settings", "literals": ["REGION=eu-west-1", "TIER=gold"]}
            ],
            patches=[
                {"path": "smp.yaml", "target": {"kind": "Deployment"}},
                {
                    "patch": json.dumps(json6902),
                    "target": {"kind": "Deployment", "name": ".*-api-.*"},
                },
            ],
            replicas=[{"name": name, "count": 4} for name in deployments[:20]],
            images=_images_block(),
        ),
    )
    return Tree(name, overlay, count, "generated")


def generate(names: list[str] | tuple[str, ...] = TREES, out: Path = OUT / "trees") -> list[Tree]:
    """(Re)generate the named trees under ``out`` and return where to build each."""
    trees = []
    for name in names:
        shutil.rmtree(out / name, ignore_errors=True)
        if name == "seed":
            trees.append(gen_seed(out))
        elif (m := re.fullmatch(r"n(\d+)", name)) and int(m.group(1)) > 0:
            trees.append(gen_sized(out, name, int(m.group(1))))
        elif (m := re.fullmatch(r"chain(\d+)", name)) and int(m.group(1)) > 0:
            trees.append(gen_chain(out, name, int(m.group(1))))
        elif (m := re.fullmatch(r"full(\d+)", name)) and int(m.group(1)) > 0:
            trees.append(gen_full(out, name, int(m.group(1))))
        else:
            known = ", ".join(TREES)
            raise ValueError(f"unknown tree {name!r}; choose from {known} (or nN, chainN, fullN)")
    return trees


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("trees", nargs="*", default=list(TREES))
    parser.add_argument("--out", type=Path, default=OUT / "trees")
    args = parser.parse_args(argv)
    for tree in generate(args.trees, args.out):
        print(f"{tree.name}\t{tree.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
