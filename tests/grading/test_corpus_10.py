"""Notebook 10's answer corpus: what a fair instructor accepts earns the points, nothing else.

The capstone's exercises build on each other (the cluster pulls the images the student
pushed), so a wrong answer can cost the exercises after it too. Each wrong hand-in therefore
fills a few exercises that do not depend on one another with a wrong entry (the others keep
the source's solution) and names the exercises it targets: each of those earns nothing.
Right hand-ins vary every exercise at once (other COPY forms, build and tag options, a second
tag at build time pushed later, Compose's list, map and long forms, ``envFrom``, a default
strategy that comes to 0 unavailable pods, probes with a delay and on a named port, an
Ingress with two rules, other kubectl forms) and must earn every automatic point. On every
hand-in the visible cell agrees with the hidden one. ``GAPS`` names the hand-ins the grading
still gets wrong (expected failures, strict). Graded through the trusted grader
(:mod:`hand_ins`), on the sandbox.
"""

from __future__ import annotations

import pytest
from hand_ins import Graded, exercises, hand_in, meta, source

NOTEBOOK = "10-capstone"

APP = """%%writefile app.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: {replicas}
{strategy}  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: 127.0.0.1:5000/board-api:1
        ports:
        - containerPort: 80
{env}{probes}{resources}---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      tier: front
  template:
    metadata:
      labels:
        tier: front
    spec:
      containers:
      - name: web
        image: 127.0.0.1:5000/board-web:1
        ports:
        - containerPort: 80
        readinessProbe:
          tcpSocket:
            port: 80
        livenessProbe:
          httpGet:
            path: /index.html
            port: 80
        resources:
          requests:
            cpu: "0.1"
            memory: 64Mi
          limits:
            cpu: "0.5"
            memory: 128Mi
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    tier: front
  ports:
  - port: 80
"""
ZERO = "  strategy:\n    rollingUpdate:\n      maxUnavailable: 0%\n      maxSurge: 50%\n"
ONE = "  strategy:\n    rollingUpdate:\n      maxUnavailable: 1\n"
ENV_FROM = (
    "        envFrom:\n        - configMapRef:\n            name: board-config\n"
    "        - secretRef:\n            name: board-secret\n"
)
ENV_VALUE = (
    "        env:\n        - name: LOG_LEVEL\n          value: info\n"
    "        envFrom:\n        - secretRef:\n            name: board-secret\n"
)
BOTH_PROBES = (
    "        readinessProbe:\n          httpGet:\n            path: /api/notices.json\n"
    "            port: 80\n        livenessProbe:\n          httpGet:\n            path: /\n"
    "            port: 80\n"
)
LIVE_ELSEWHERE = "        livenessProbe:\n          tcpSocket:\n            port: 8080\n"
READY_ELSEWHERE = "        readinessProbe:\n          tcpSocket:\n            port: 8080\n"
LIVE = "        livenessProbe:\n          tcpSocket:\n            port: 80\n"
READY_404 = (
    "        readinessProbe:\n          httpGet:\n"
    "            path: /healthz\n            port: 80\n"
)
READY_ONLY = "        readinessProbe:\n          tcpSocket:\n            port: 80\n"
RESOURCES = (
    "        resources:\n          requests:\n            cpu: 100m\n            memory: 32Mi\n"
    "          limits:\n            cpu: {cpu}\n            memory: 32Mi\n"
)
NAMED_PORT = "        - name: http\n          containerPort: 80\n"
REQUESTS_ONLY = (
    "        resources:\n          requests:\n            cpu: 100m\n            memory: 32Mi\n"
)


def app(
    strategy: str = ZERO,
    env: str = ENV_FROM,
    probes: str = BOTH_PROBES,
    resources: str = RESOURCES.format(cpu="250m"),
    replicas: int = 2,
) -> str:
    return APP.format(
        strategy=strategy, env=env, probes=probes, resources=resources, replicas=replicas
    )


COMPOSE = """%%writefile compose.yaml
name: board
services:
  web:
    image: 127.0.0.1:5000/board-web:1
    restart: unless-stopped
    ports:
      - target: 80
        published: {web_port}
    depends_on:
      api:
        condition: {condition}
  api:
    image: {api_image}
    environment:
{environment}    ports:
{api_ports}    healthcheck:
      test: {test}
      interval: 2s
"""


def compose(
    web_port: int = 8080,
    api_port: int = 8081,
    condition: str = "service_healthy",
    level: str = "info",
    api_image: str = "127.0.0.1:5000/board-api:1",
    test: str = "nginx -t",
    environment: str = "",
    api_ports: str = "",
) -> str:
    return COMPOSE.format(
        web_port=web_port,
        condition=condition,
        api_image=api_image,
        test=test,
        environment=environment or f"      - LOG_LEVEL={level}\n",
        api_ports=api_ports or f'      - "{api_port}:80"\n',
    )


INGRESS = """%%writefile ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
spec:
  ingressClassName: nginx
  rules:
  - host: board.local
    http:
      paths:
{paths}"""
ROOT = (
    "      - path: /\n        pathType: Prefix\n        backend:\n          service:\n"
    "            name: web\n            port:\n              number: 80\n"
)
API = (
    "      - path: /api\n        pathType: {kind}\n        backend:\n          service:\n"
    "            name: api\n            port:\n              number: 80\n"
)


CLASS_ANNOTATION = "  annotations:\n    kubernetes.io/ingress.class: nginx\n"


def ingress(paths: str, name: str = "front-door") -> str:
    return INGRESS.format(name=name, paths=paths)


CONFIG = """%%writefile config.yaml
apiVersion: v1
kind: Secret
metadata:
  name: board-secret
{secret}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: board-config
data:
  LOG_LEVEL: {level}
  BOARD_TITLE: Course board
"""


def config(secret: str = "data:\n  API_TOKEN: dG9rZW4tZm9yLXRoZS1ib2FyZA==\n", level: str = "info"):
    return CONFIG.format(secret=secret, level=level)


def docker(*lines: str) -> str:
    return "%%docker\n" + "\n".join(lines)


def kubectl(*lines: str) -> str:
    return "%%kubectl\n" + "\n".join(lines)


def dockerfile(path: str, *lines: str) -> str:
    return f"%%dockerfile {path}\n" + "\n".join(lines)


RIGHT: dict[str, dict[str, str]] = {
    "right-a": {
        "ex1-web-dockerfile": dockerfile(
            "web/Dockerfile",
            "FROM docker.io/library/nginx:1.27",
            "COPY index.html /usr/share/nginx/html/",
            "COPY style.css /usr/share/nginx/html/style.css",
        ),
        "ex1-web-build": docker("docker image build --tag board-web:1 ./web"),
        "ex2-api-dockerfile": dockerfile(
            "api/Dockerfile",
            "FROM nginx:1.27",
            "WORKDIR /usr/share/nginx/html/api",
            "COPY *.json ./",
        ),
        "ex2-api-build": docker("docker build --tag=board-api:1 api"),
        "ex3-push": docker(
            "docker image tag board-web:1 127.0.0.1:5000/board-web:1 && "
            "docker image push 127.0.0.1:5000/board-web:1",
            "docker image tag board-api:1 127.0.0.1:5000/board-api:1 && "
            "docker image push 127.0.0.1:5000/board-api:1",
        ),
        "ex4-compose-file": compose(),
        "ex5-compose-up": docker("docker compose --file compose.yaml up --detach"),
        "ex6-config": config(),
        "ex6-config-apply": kubectl("kubectl create -f config.yaml"),
        "ex7-app": app(),
        "ex7-app-apply": kubectl("kubectl apply --filename=app.yaml"),
        "ex8-ingress": ingress(ROOT + API.format(kind="Prefix")),
        "ex8-ingress-apply": kubectl("kubectl -n default apply -f ingress.yaml"),
        "ex9-api-v2": docker(
            "docker build -t board-api:2 -t 127.0.0.1:5000/board-api:2 api && "
            "docker push 127.0.0.1:5000/board-api:2"
        ),
        "ex10-rollout": kubectl(
            "kubectl set image deploy/api api=127.0.0.1:5000/board-api:2",
            'kubectl annotate deployment/api kubernetes.io/change-cause="board-api 2"',
            "kubectl rollout status deploy/api --timeout=120s",
            "kubectl rollout history deployment api",
        ),
    },
    "right-b": {
        "ex1-web-dockerfile": dockerfile(
            "web/Dockerfile", "FROM nginx:1.27", "COPY *.html *.css /usr/share/nginx/html/"
        ),
        "ex1-web-build": docker("docker build -t board-web:1 -t 127.0.0.1:5000/board-web:1 web"),
        "ex2-api-dockerfile": dockerfile(
            "api/Dockerfile",
            "FROM nginx:1.27",
            "COPY version.json /usr/share/nginx/html/api/version.json",
            "COPY notices.json /usr/share/nginx/html/api/notices.json",
        ),
        "ex2-api-build": docker("docker image build -t board-api:1 api"),
        "ex3-push": docker(
            "docker tag board-web:1 127.0.0.1:5000/board-web:1",
            "docker tag board-api:1 127.0.0.1:5000/board-api:1",
            "docker push --all-tags 127.0.0.1:5000/board-web",
            "docker push 127.0.0.1:5000/board-api:1",
        ),
        "ex4-compose-file": compose(test='["CMD-SHELL", "nginx -t"]'),
        "ex5-compose-up": docker("docker compose -p board up -d && docker compose logs api"),
        "ex6-config": config(secret="stringData:\n  API_TOKEN: another-token\n"),
        "ex6-config-apply": kubectl("kubectl apply -f config.yaml"),
        "ex7-app": app(
            strategy="",
            env=(
                "        env:\n        - name: API_TOKEN\n          valueFrom:\n"
                "            secretKeyRef:\n              name: board-secret\n"
                "              key: API_TOKEN\n"
                "        envFrom:\n        - configMapRef:\n            name: board-config\n"
            ),
        ),
        "ex7-app-apply": kubectl("kubectl apply -f app.yaml", "kubectl get pods"),
        "ex8-ingress": ingress(API.format(kind="Prefix") + ROOT, name="board"),
        "ex8-ingress-apply": kubectl("kubectl apply -f ingress.yaml"),
        "ex9-api-v2": docker(
            "docker image build --tag board-api:2 ./api",
            "docker image tag board-api:2 127.0.0.1:5000/board-api:2",
            "docker image push 127.0.0.1:5000/board-api:2",
        ),
        "ex10-rollout": kubectl(
            "kubectl set image deployment api api=127.0.0.1:5000/board-api:2",
            "kubectl rollout status deployment api",
            "kubectl rollout history deploy/api",
        ),
    },
    "right-c": {
        "ex1-web-dockerfile": dockerfile(
            "web/Dockerfile",
            "FROM nginx:1.27",
            "COPY . /usr/share/nginx/html/",
            "RUN rm /usr/share/nginx/html/NOTES.md",
        ),
        "ex1-web-build": docker(
            "docker build -f web/Dockerfile -t board-web:1 -t 127.0.0.1:5000/board-web:1 web/"
        ),
        "ex2-api-dockerfile": dockerfile(
            "api/Dockerfile",
            "FROM nginx:1.27 AS site",
            'COPY ["version.json", "notices.json", "/usr/share/nginx/html/api/"]',
        ),
        "ex2-api-build": docker(
            "docker image build --tag board-api:1 --tag 127.0.0.1:5000/board-api:1 api/"
        ),
        "ex3-push": docker(
            "docker push 127.0.0.1:5000/board-web:1; docker push 127.0.0.1:5000/board-api:1"
        ),
        "ex4-compose-file": compose(
            environment='      LOG_LEVEL: "info"\n',
            api_ports='      - target: 80\n        published: "8081"\n        protocol: tcp\n',
        ),
        "ex5-compose-up": docker("docker compose -f compose.yaml up --detach"),
        "ex6-config": config(secret="type: Opaque\nstringData:\n  API_TOKEN: t0k3n\n"),
        "ex6-config-apply": kubectl("kubectl apply -f ./config.yaml"),
        "ex7-app": app(
            strategy=(
                "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n"
                '      maxUnavailable: "0%"\n'
            ),
            env=(
                "        env:\n        - name: LOG_LEVEL\n          valueFrom:\n"
                "            configMapKeyRef:\n              name: board-config\n"
                "              key: LOG_LEVEL\n        - name: API_TOKEN\n"
                "          valueFrom:\n            secretKeyRef:\n"
                "              name: board-secret\n              key: API_TOKEN\n"
            ),
            probes=(
                "        readinessProbe:\n          httpGet:\n            path: /api/version.json\n"
                "            port: http\n          initialDelaySeconds: 5\n"
                "        livenessProbe:\n          tcpSocket:\n            port: http\n"
            ),
        ).replace("        - containerPort: 80\n", NAMED_PORT),
        "ex7-app-apply": kubectl("kubectl apply -f app.yaml"),
        "ex8-ingress": INGRESS.format(
            name="board",
            paths=API.format(kind="ImplementationSpecific")
            + "  - host: board.local\n    http:\n      paths:\n"
            + ROOT,
        ),
        "ex8-ingress-apply": kubectl("kubectl apply -f ingress.yaml"),
        "ex9-api-v2": docker(
            "docker build -t 127.0.0.1:5000/board-api:2 -t board-api:2 api",
            "docker push 127.0.0.1:5000/board-api:2",
        ),
        "ex10-rollout": kubectl(
            "kubectl set image deployment/api '*=127.0.0.1:5000/board-api:2'",
            "kubectl rollout status deploy api",
            "kubectl rollout history deploy api --revision=2",
        ),
    },
    "right-d": {
        "ex1-web-dockerfile": dockerfile(
            "web/Dockerfile",
            "FROM nginx:1.27",
            "WORKDIR /usr/share/nginx/html",
            "COPY index.html style.css ./",
        ),
        "ex1-web-build": docker("docker build --tag=board-web:1 --file web/Dockerfile web"),
        "ex2-api-dockerfile": dockerfile(  # BuildKit: several sources go into a folder
            "api/Dockerfile",
            "FROM nginx:1.27",
            "COPY version.json notices.json /usr/share/nginx/html/api",
        ),
        "ex2-api-build": docker("docker build -t board-api:1 ./api"),
        "ex3-push": docker(
            "docker tag board-web:1 127.0.0.1:5000/board-web:1 && "
            "docker push 127.0.0.1:5000/board-web:1 && "
            "docker tag board-api:1 127.0.0.1:5000/board-api:1 && "
            "docker push 127.0.0.1:5000/board-api:1"
        ),
        "ex4-compose-file": compose(
            test='["CMD", "curl", "-f", "http://localhost/api/version.json"]',
            api_ports='      - "127.0.0.1:8081:80"\n',
        ),
        "ex5-compose-up": docker("docker compose up --detach", "docker compose ps"),
        "ex6-config": config(secret="stringData:\n  API_TOKEN: abc\n  DB_PASSWORD: def\n"),
        "ex6-config-apply": kubectl("kubectl apply -f config.yaml"),
        "ex7-app": app(strategy=ZERO.replace("0%", "0").replace("50%", "1"))
        .replace("        - containerPort: 80\n", NAMED_PORT)
        .replace("targetPort: 80", "targetPort: http"),
        "ex7-app-apply": kubectl("kubectl apply -f app.yaml"),
        "ex8-ingress": ingress(ROOT + API.format(kind="Prefix").replace("/api", "/api/")),
        "ex8-ingress-apply": kubectl("kubectl apply -f ingress.yaml"),
        "ex9-api-v2": docker(
            "docker build -t board-api:2 api && "
            "docker tag board-api:2 127.0.0.1:5000/board-api:2 && "
            "docker push 127.0.0.1:5000/board-api:2"
        ),
        "ex10-rollout": kubectl(
            "kubectl set image deploy/api api=127.0.0.1:5000/board-api:2",
            "kubectl rollout status --watch deploy/api",
            "kubectl rollout history deployment/api",
        ),
    },
    "right-e": {
        "ex1-web-dockerfile": dockerfile(
            "web/Dockerfile", "FROM nginx:1.27", "ADD index.html style.css /usr/share/nginx/html/"
        ),
        "ex1-web-build": docker("docker build --no-cache --tag board-web:1 web"),
        "ex2-api-dockerfile": dockerfile(
            "api/Dockerfile",
            "FROM nginx:1.27",
            "COPY --chmod=644 version.json notices.json /usr/share/nginx/html/api/",
        ),
        "ex2-api-build": docker("cd api && docker build -t board-api:1 ."),
        "ex3-push": docker(
            "docker tag board-web:1 127.0.0.1:5000/board-web:1",
            "docker tag board-api:1 127.0.0.1:5000/board-api:1",
            "docker push 127.0.0.1:5000/board-web:1 && docker push 127.0.0.1:5000/board-api:1",
        ),
        "ex4-compose-file": compose(test='["CMD-SHELL", "nginx -t || exit 1"]').replace(
            "%%writefile compose.yaml\n", '%%writefile compose.yaml\nversion: "3.8"\n'
        ),
        "ex5-compose-up": docker("docker compose up -d web", "docker compose ps --all"),
        "ex6-config": config(),
        "ex6-config-apply": kubectl("kubectl create --filename config.yaml"),
        "ex7-app": app(),
        "ex7-app-apply": kubectl("kubectl apply -f app.yaml && kubectl get all"),
        "ex8-ingress": ingress(ROOT + API.format(kind="Prefix")),
        "ex8-ingress-apply": kubectl("kubectl apply -f ingress.yaml"),
        "ex9-api-v2": docker(
            "docker build -t board-api:2 api",
            "docker tag board-api:2 127.0.0.1:5000/board-api:2",
            "docker push 127.0.0.1:5000/board-api:2",
        ),
        "ex10-rollout": kubectl(
            "kubectl set image deployment/api api=127.0.0.1:5000/board-api:2 --record",
            "kubectl rollout status deployment/api -w --timeout=5m",
            "kubectl rollout history deployment/api",
        ),
    },
}

WRONG: dict[str, tuple[set[str], dict[str, str]]] = {
    "wrong-a": (
        {"1", "2", "4", "6", "9"},
        {
            "ex1-web-dockerfile": dockerfile(
                "web/Dockerfile", "FROM nginx:1.27", "COPY . /usr/share/nginx/html/"
            ),
            "ex2-api-dockerfile": dockerfile(
                "api/Dockerfile", "FROM nginx:1.27", "COPY . /usr/share/nginx/html/api/"
            ),
            "ex4-compose-file": compose(condition="service_started"),
            "ex6-config": config(level="debug"),
            "ex9-api-v2": docker(
                "docker build -t board-api:2 web",
                "docker tag board-api:2 127.0.0.1:5000/board-api:2",
                "docker push 127.0.0.1:5000/board-api:2",
            ),
        },
    ),
    "wrong-b": (
        {"1", "3", "4"},
        {
            "ex1-web-dockerfile": dockerfile(
                "web/Dockerfile",
                "FROM nginx:latest",
                "COPY index.html style.css /usr/share/nginx/html/",
            ),
            "ex3-push": docker(
                "docker tag board-web:1 127.0.0.1:5000/board-web:1",
                "docker tag board-api:1 127.0.0.1:5000/board-api:1",
                "docker push 127.0.0.1:5000/board-web:1",
            ),
            "ex4-compose-file": compose(api_image="board-api:1"),
        },
    ),
    "wrong-c": (
        {"5", "7", "9"},
        {
            "ex5-compose-up": docker("docker compose config"),
            "ex7-app": app(probes=READY_ONLY),
            "ex9-api-v2": docker(
                "docker build -t board-api:2 api",
                "docker tag board-api:2 127.0.0.1:5000/board-api:2",
            ),
        },
    ),
    "wrong-d": (
        {"5", "7", "8"},
        {
            "ex5-compose-up": docker("docker compose create"),
            "ex7-app": app(strategy=ONE),
            "ex8-ingress": ingress(ROOT),
        },
    ),
    "wrong-e": (
        {"7", "8", "10"},
        {
            "ex7-app": app(resources=REQUESTS_ONLY),
            "ex8-ingress": ingress(API.format(kind="Exact") + ROOT),
            "ex10-rollout": kubectl(
                "kubectl set image deployment/api api=127.0.0.1:5000/board-api:2"
            ),
        },
    ),
    "wrong-f": (
        {"2", "7", "10"},
        {
            "ex2-api-dockerfile": dockerfile(
                "api/Dockerfile", "FROM nginx:1.27", "COPY *.json /usr/share/nginx/html/"
            ),
            "ex7-app": app(env=ENV_VALUE),
            "ex10-rollout": kubectl(
                "kubectl rollout restart deployment/api",
                "kubectl rollout status deployment/api",
                "kubectl rollout history deployment/api",
            ),
        },
    ),
    "wrong-g": (
        {"5", "6", "10"},
        {
            "ex5-compose-up": docker("docker compose up -d", "docker compose down"),
            "ex6-config": config(secret="stringData:\n  TOKEN: board-token\n"),
            "ex10-rollout": kubectl(
                "kubectl set image deployment/api api=board-api:2",
                "kubectl rollout status deployment/api",
                "kubectl rollout history deployment/api",
            ),
        },
    ),
    "wrong-h": (
        {"3", "6"},
        {
            "ex3-push": docker(
                "docker tag board-web:1 127.0.0.1:5000/board-web:1",
                "docker tag board-api:1 127.0.0.1:5000/board-api:1",
            ),
            "ex6-config-apply": kubectl("kubectl apply -f config.yaml --dry-run=client"),
        },
    ),
    "wrong-i": (
        {"1", "4", "7"},
        {
            "ex1-web-build": docker("docker build -t board-web web"),
            "ex4-compose-file": compose(api_port=8082),
            "ex7-app": app(resources=RESOURCES.format(cpu="50m")),
        },
    ),
    "wrong-l": (
        {"4", "8", "10"},
        {
            "ex4-compose-file": compose(api_ports='      - "80:8081"\n'),
            "ex8-ingress": ingress(
                API.format(kind="Prefix").replace("name: api", "name: web") + ROOT
            ),
            "ex10-rollout": kubectl(
                "kubectl set image deployment/api api=127.0.0.1:5000/board-api:3",
                "kubectl rollout status deployment/api",
                "kubectl rollout history deployment/api",
            ),
        },
    ),
    "wrong-m": (
        {"3", "7"},
        {
            "ex3-push": docker(
                "docker tag board-api:1 127.0.0.1:5000/board-web:1",
                "docker tag board-web:1 127.0.0.1:5000/board-api:1",
                "docker push 127.0.0.1:5000/board-web:1",
                "docker push 127.0.0.1:5000/board-api:1",
            ),
            "ex7-app": app(probes=READY_ELSEWHERE + LIVE),
        },
    ),
    "wrong-n": (
        {"6", "9"},
        {
            "ex6-config": config(secret='stringData:\n  API_TOKEN: ""\n'),
            "ex9-api-v2": docker(
                "docker build -t board-api:2 api",
                "docker tag board-api:2 127.0.0.1:5000/board-api:latest",
                "docker push 127.0.0.1:5000/board-api:latest",
            ),
        },
    ),
    "wrong-o": (
        {"1", "10"},
        {
            "ex1-web-dockerfile": dockerfile(
                "web/Dockerfile", "FROM nginx:1.27", "COPY index.html /usr/share/nginx/html/"
            ),
            "ex10-rollout": kubectl(
                "kubectl set image deployment/api api=127.0.0.1:5000/board-api:2",
                "kubectl rollout history deployment/api",
            ),
        },
    ),
    "wrong-p": (
        {"7"},
        {"ex7-app": app(probes=READY_404 + LIVE)},
    ),
    "wrong-q": (
        {"4", "8"},
        {
            "ex4-compose-file": compose(test='["NONE"]'),
            "ex8-ingress": ingress(ROOT + API.format(kind="Prefix"))
            .replace("  ingressClassName: nginx\n", "")
            .replace("  name: front-door\n", "  name: front-door\n" + CLASS_ANNOTATION),
        },
    ),
    "wrong-s": (
        {"9"},
        {
            "ex9-api-v2": docker(
                "docker tag board-api:1 board-api:2",
                "docker tag board-api:2 127.0.0.1:5000/board-api:2",
                "docker push 127.0.0.1:5000/board-api:2",
            ),
        },
    ),
    "wrong-j": (
        {"6", "10"},
        {
            "ex6-config": config().replace("name: board-config", "name: board-settings"),
            "ex10-rollout": kubectl(
                "kubectl set image deployment/api api=127.0.0.1:5000/board-api:2",
                "kubectl rollout status deployment/api --watch=false",
                "kubectl rollout history deployment/api",
            ),
        },
    ),
    "wrong-r": (
        {"7"},
        {"ex7-app": app(replicas=1)},
    ),
    "wrong-k": (
        {"7"},
        {"ex7-app": app(probes=READY_ONLY + LIVE_ELSEWHERE)},
    ),
}


GAPS: dict[str, str] = {}
"""Hand-ins the grading still gets wrong, and why: each must fail until the gap is closed."""


def numbered() -> dict[str, tuple[str, ...]]:
    """Exercise number (its ``### Exercise N`` heading) -> its graded cells."""
    import re

    found: dict[str, list[str]] = {}
    current = ""
    for cell in source(NOTEBOOK).cells:
        heading = re.search(r"^### Exercise (\d+)", cell.source, re.M)
        if cell.cell_type == "markdown" and heading:
            current = heading.group(1)
        if meta(cell).get("grade") and not meta(cell).get("solution") and current:
            found.setdefault(current, []).append(meta(cell)["grade_id"])
    return {number: tuple(ids) for number, ids in found.items()}


@pytest.fixture(scope="module")
def graded() -> dict[str, Graded]:
    """Hand-in name -> its graded result, shared by the module's tests."""
    return {}


def grade_once(graded: dict[str, Graded], name: str) -> Graded:
    if name not in graded:
        entry = RIGHT[name] if name in RIGHT else WRONG[name][1]
        graded[name] = hand_in(NOTEBOOK, entry)
    return graded[name]


def test_the_corpus_covers_every_exercise() -> None:
    answers = {t for item in exercises(source(NOTEBOOK)).values() for t in item.answers}
    for entry in RIGHT.values():
        assert set(entry) == answers
    targeted = set().union(*(numbers for numbers, _ in WRONG.values()))
    assert targeted == set(numbered())


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=GAPS[name], strict=True))
        if name in GAPS
        else name
        for name in [*RIGHT, *WRONG]
    ],
)
def test_right_answers_earn_everything_wrong_ones_nothing(graded, name: str) -> None:
    result = grade_once(graded, name)
    problems = []
    for number, tests in numbered().items():
        scores = [result.scores[test] for test in tests]
        earned = [score == maximum for score, maximum in scores]
        said = "\n".join(f"--- {t} {result.scores[t]}\n{result.printed[t]}" for t in tests)
        if name in RIGHT and not all(earned):
            problems.append(f"exercise {number}: right answer marked down\n{said}")
        if name in WRONG and number in WRONG[name][0] and any(s > 0 for s, _ in scores):
            problems.append(f"exercise {number}: wrong answer given points\n{said}")
        if len(set(earned)) > 1:
            problems.append(f"exercise {number}: visible and hidden disagree\n{said}")
    assert not problems, "\n\n".join(problems)
