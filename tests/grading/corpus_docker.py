"""The answer corpus of notebooks 01-05 and 08: answers a fair instructor accepts, and wrong ones.

``CORPUS[notebook][first answer grade id]`` holds ``right`` and ``wrong`` entries for that
exercise; an entry maps the exercise's answer cells to what a student wrote (cells it leaves
out keep the source's solution). Right entries vary what a task leaves free (aliases, long
and short options, ``=`` forms, option order, chains, exec-form RUN, JSON templates); wrong
ones miss what it asks for (port order, ``-d``, the volume, a typo'd flag or template, an
answer that only prints, an earlier success followed by a failing latest attempt).
"""

from __future__ import annotations

from dataclasses import dataclass

from hand_ins import Entry


def docker(*lines: str) -> str:
    return "%%docker\n" + "\n".join(lines)


def dockerfile(path: str, *lines: str) -> str:
    return f"%%dockerfile {path}\n" + "\n".join(lines)


def writefile(path: str, *lines: str) -> str:
    return f"%%writefile {path}\n" + "\n".join(lines)


@dataclass(frozen=True)
class Answers:
    """What a fair instructor gives the exercise's points to, and what earns none."""

    right: tuple[Entry, ...]
    wrong: tuple[Entry, ...]


def one(cell: str, right: list[str], wrong: list[str]) -> Answers:
    """Answers for an exercise with one answer cell."""
    return Answers(tuple({cell: text} for text in right), tuple({cell: text} for text in wrong))


NB01 = {
    "ex1-first": one(
        "ex1-first",
        [
            docker("docker run --name first hello-world"),
            docker("docker container run --name=first hello-world:latest"),
        ],
        [
            docker("docker run hello-world"),
            docker("docker run --rm --name first hello-world"),
            docker("docker run --name frist hello-world"),
            docker("echo docker run --name first hello-world"),
        ],
    ),
    "ex2-two": one(
        "ex2-two",
        [
            docker(
                "docker run -d --name one nginx:alpine", "docker run -d --name two nginx:alpine"
            ),
            docker(
                "docker run --detach --name=one nginx:alpine && "
                "docker container run -d --name two nginx:alpine"
            ),
        ],
        [
            docker(
                "docker run -d --name one nginx:alpine", "docker create --name two nginx:alpine"
            ),
            docker(
                "docker run -d --name one nginx:alpine", "docker run -d --name two nginx:latest"
            ),
            docker(
                "docker run -d --name one nginx:alpine", "docker run -d --nmae two nginx:alpine"
            ),
        ],
    ),
    "ex3-volume": one(
        "ex3-volume",
        [
            docker(
                "docker volume create site-data",
                "docker run -d --name vol-demo -v site-data:/usr/share/nginx/html nginx:alpine",
            ),
            docker("docker run -d -v site-data:/usr/share/nginx/html --name vol-demo nginx:alpine"),
            docker(
                "docker volume create site-data",
                "docker run --detach --name vol-demo "
                "--mount type=volume,source=site-data,target=/usr/share/nginx/html nginx:alpine",
            ),
        ],
        [
            docker(
                "docker volume create site-data",
                "docker run -d --name vol-demo -v /usr/share/nginx/html nginx:alpine",
            ),
            docker("docker run -d --name vol-demo -v site_data:/usr/share/nginx/html nginx:alpine"),
            docker(
                "docker run -d --name vol-demo -v site-data:/usr/share/nginx/html:ro nginx:alpine"
            ),
            docker("docker volume create site-data"),
        ],
    ),
}

NB02 = {
    "ex1-website": one(
        "ex1-website",
        [
            docker("docker run -d --name website -p 8080:80 nginx:latest"),
            docker("docker run --detach --publish=8080:80 --name=website nginx"),
            docker("docker container run -dp 8080:80 --name website nginx:latest"),
        ],
        [
            docker("docker run -d --name website -p 80:8080 nginx:latest"),
            docker("docker run -d --name website -p 8080:80 nginx:alpine"),
            docker("docker run -d --name web -p 8080:80 nginx:latest"),
            docker("docker run -d --name website --port 8080:80 nginx:latest"),
        ],
    ),
    "ex2-two-ports": one(
        "ex2-two-ports",
        [
            docker("docker run -d --name website -p 8080:80 -p 8081:80 nginx:latest"),
            docker("docker run -p 8081:80 --publish 8080:80 --detach --name website nginx"),
        ],
        [
            docker("docker run -d --name website -p 8080:80 nginx:latest"),
            docker("docker run -d --name website -p 8080:80 -p 8081:8081 nginx:latest"),
            docker(
                "docker run -d --name website -p 8080:80 nginx:latest",
                "docker run -d --name website -p 8081:80 nginx:latest",
            ),
        ],
    ),
    "ex3-mount": one(
        "ex3-mount",
        [
            docker(
                "docker run -d --name website -p 8080:80 -v ./site:/usr/share/nginx/html:ro "
                "nginx:latest"
            ),
            docker(
                "docker run --volume ./site:/usr/share/nginx/html:ro --publish 8080:80 "
                "--detach --name website nginx"
            ),
            docker(
                'docker run -d --name website -p 8080:80 -v "$(pwd)/site:/usr/share/nginx/html:ro" '
                "nginx:latest"
            ),
        ],
        [
            docker("docker run -d --name website -p 8080:80 -v ./site:/usr/share/nginx/html nginx"),
            docker(
                "docker run -d --name website -p 8080:80 -v site:/usr/share/nginx/html:ro nginx"
            ),
            docker("docker run -d --name website -p 8080:80 -v ./site:/usr/share/nginx:ro nginx"),
        ],
    ),
    "ex4-volumes-from": one(
        "ex4-volumes-from",
        [
            docker("docker run -d --name website-copy -p 8081:80 --volumes-from website nginx"),
            docker(
                "docker container run --detach --publish 8081:80 --volumes-from=website:ro "
                "--name website-copy nginx:latest"
            ),
        ],
        [
            docker(
                "docker run -d --name website-copy -p 8081:80 "
                "-v ./site:/usr/share/nginx/html nginx:latest"
            ),
            docker(
                "docker run -d --name website-copy -p 8081:80 "
                "-v ./site:/usr/share/nginx/html:ro nginx:latest"
            ),
            docker("docker run -d --name website-copy -p 8080:80 --volumes-from website nginx"),
        ],
    ),
    "ex5-ids": one(
        "ex5-ids",
        [
            docker("docker ps -aq"),
            docker("docker container ls --all --quiet"),
            docker("docker ps -a --format '{{.ID}}'"),
        ],
        [
            docker("docker ps -q"),
            docker("docker ps -a"),
            docker("docker ps -aq --no-trunc"),
            docker("docker ps -aq", "docker ps -aq --fromat '{{.ID}}'"),
        ],
    ),
    "ex6-format": one(
        "ex6-format",
        [
            docker('export FORMAT="{{.Names}}: {{.Status}}"', 'docker ps -a --format "$FORMAT"'),
            docker(
                "export FORMAT='{{.Names}}: {{.Status}}'",
                'docker container ls --format="$FORMAT" --all',
            ),
        ],
        [
            docker('export FORMAT="{{.Names}}: {{.Status}}"', 'docker ps --format "$FORMAT"'),
            docker(
                'export FORMAT="table {{.Names}}: {{.Status}}"', 'docker ps -a --format "$FORMAT"'
            ),
            docker('export FORMAT="{{.Names}} {{.Status}}"', 'docker ps -a --format "$FORMAT"'),
        ],
    ),
    "ex7-lifecycle": one(
        "ex7-lifecycle",
        [
            docker("docker stop website", "docker rm old", "docker start website"),
            docker(
                "docker container stop website && docker container rm old",
                "docker container start website",
            ),
        ],
        [
            docker("docker stop website", "docker rm old"),
            docker("docker stop website", "docker rm website", "docker start website"),
            docker("echo docker stop website", "docker rm old", "docker start website"),
        ],
    ),
    "ex8-remove-all": one(
        "ex8-remove-all",
        [
            docker("docker rm -f $(docker ps -aq --filter label=course=docker-k8s)"),
            docker("docker rm -f website web2 old"),
            docker("docker stop website web2 && docker rm website web2 old"),
            docker("docker container rm --force $(docker container ls -aq)"),
        ],
        [
            docker("docker rm website web2 old"),
            docker("docker stop website web2 old"),
            docker("docker rm -f website web2"),
        ],
    ),
    "ex9-tag": one(
        "ex9-tag",
        [
            docker("docker tag nginx:latest website:1.0.0"),
            docker("docker image tag nginx website:1.0.0"),
        ],
        [
            docker("docker tag nginx:latest website:1.0"),
            docker("docker tag nginx:latest website"),
            docker("docker pull nginx:latest"),
        ],
    ),
}

CACHED_APP = (
    "FROM node:20-alpine",
    "WORKDIR /app",
    "COPY package*.json ./",
    "COPY greet ./greet",
    "RUN npm install",
    "COPY . .",
    'CMD ["node", "index.js"]',
)


def app(*lines: str) -> Entry:
    return {"ex3-cache-dockerfile": dockerfile("app/Dockerfile", *lines)}


NB03 = {
    "ex1-website-dockerfile": Answers(
        (
            {},
            {
                "ex1-website-dockerfile": dockerfile(
                    "website/Dockerfile",
                    "FROM nginx:1.27",
                    "COPY index.html /usr/share/nginx/html/index.html",
                ),
                "ex1-website-build": docker(
                    "docker image build --tag website:1 ./website",
                    "docker run --detach -p 8080:80 --name website website:1",
                ),
            },
            {
                "ex1-website-dockerfile": dockerfile(
                    "website/Dockerfile", "FROM nginx:1.27", "ADD index.html /usr/share/nginx/html/"
                )
            },
        ),
        (
            {
                "ex1-website-dockerfile": dockerfile(
                    "website/Dockerfile",
                    "FROM nginx:latest",
                    "COPY index.html /usr/share/nginx/html/",
                )
            },
            {
                "ex1-website-dockerfile": dockerfile(
                    "website/Dockerfile", "FROM nginx:1.27", "COPY index.html /usr/share/nginx/"
                )
            },
            {
                "ex1-website-build": docker(
                    "docker build -t website:1 website",
                    "docker run -d --name website -p 80:8080 website:1",
                )
            },
        ),
    ),
    "ex2-dockerignore-file": Answers(
        (
            {},
            {"ex2-dockerignore-file": writefile("shop/.dockerignore", ".env", "node_modules/")},
            {
                "ex2-dockerignore-file": writefile(
                    "shop/.dockerignore", "# secrets and modules", "**/.env", "", "**/node_modules"
                )
            },
        ),
        (
            {"ex2-dockerignore-file": writefile("shop/.dockerignore", ".env")},
            {"ex2-dockerignore-file": writefile("shop/.dockerignore", "node_modules")},
            {"ex2-dockerignore-file": writefile("shop/.dockerignore", "env", "node_modules")},
        ),
    ),
    "ex3-cache-dockerfile": Answers(
        (
            app(*CACHED_APP),
            app(*CACHED_APP[:4], 'RUN ["npm", "install"]', *CACHED_APP[5:]),
            app(
                "FROM node:20-alpine",
                "WORKDIR /app",
                "COPY package.json ./",
                "COPY greet/ greet/",
                "RUN npm install",
                "COPY index.js ./",
                'CMD ["node", "index.js"]',
            ),
        ),
        (
            app(*CACHED_APP[:3], "RUN npm install", "COPY . .", 'CMD ["node", "index.js"]'),
            app(
                "FROM node:20-alpine",
                "WORKDIR /app",
                "COPY . .",
                "RUN npm install",
                'CMD ["node", "index.js"]',
            ),
            app(*CACHED_APP[:6], "CMD node index.js"),
            app(*CACHED_APP[:1], "WORKDIR /usr/src/app", *CACHED_APP[2:]),
        ),
    ),
    "ex4-sizes": one(
        "ex4-sizes",
        [
            'smallest = "alpine:3.20"\nunder_100_mb = ["alpine:3.20"]',
            "under_100_mb = ['alpine:3.20']\nsmallest = 'alpine:3.20'",
        ],
        [
            'smallest = "alpine"\nunder_100_mb = ["alpine:3.20"]',
            'smallest = "node:20-alpine"\nunder_100_mb = ["alpine:3.20"]',
            'smallest = "alpine:3.20"\nunder_100_mb = ["alpine:3.20", "node:20-alpine"]',
        ],
    ),
    "ex5-pin-dockerfile": Answers(
        (
            {},
            {
                "ex5-pin-dockerfile": dockerfile(
                    "tool/Dockerfile",
                    "FROM alpine:3.20 AS base",
                    'CMD ["cat", "/etc/alpine-release"]',
                ),
                "ex5-pin-build": docker("docker image build --tag=tool:1 tool"),
            },
        ),
        (
            {
                "ex5-pin-dockerfile": dockerfile(
                    "tool/Dockerfile", "FROM alpine:v3.20", 'CMD ["cat", "/etc/alpine-release"]'
                )
            },
            {
                "ex5-pin-dockerfile": dockerfile(
                    "tool/Dockerfile", "FROM alpine:latest", 'CMD ["cat", "/etc/alpine-release"]'
                )
            },
            {"ex5-pin-build": docker("docker build -t tool:1 .")},
        ),
    ),
}

NB04 = {
    "ex1-tag": one(
        "ex1-tag",
        [
            docker("docker tag website:1 127.0.0.1:5000/website:1"),
            docker("docker image tag website:1 127.0.0.1:5000/website:1"),
        ],
        [
            docker("docker tag website:1 127.0.0.1:5000/website"),
            docker("docker tag website:1 localhost:5000/website:1"),
        ],
    ),
    "ex2-lowercase": one(
        "ex2-lowercase",
        [
            docker("docker tag website:1 patrickvuscan/website:1"),
            docker("docker image tag website:1 patrickvuscan/website:1"),
        ],
        [
            docker("docker tag website:1 PatrickVuscan/website:1"),
            docker("docker tag website:1 patrickvuscan/website"),
        ],
    ),
    "ex3-push": one(
        "ex3-push",
        [
            docker(
                "docker tag website:1 127.0.0.1:5000/website:1",
                "docker push 127.0.0.1:5000/website:1",
                "docker tag website:1 127.0.0.1:5000/website:latest",
                "docker push 127.0.0.1:5000/website:latest",
            ),
            docker(
                "docker image tag website:1 127.0.0.1:5000/website:1 && "
                "docker image tag website:1 127.0.0.1:5000/website",
                "docker image push 127.0.0.1:5000/website:1",
                "docker image push 127.0.0.1:5000/website",
            ),
        ],
        [
            docker(
                "docker tag website:1 127.0.0.1:5000/website:1",
                "docker push 127.0.0.1:5000/website:1",
            ),
            docker(
                "docker tag website:1 127.0.0.1:5000/website:1",
                "docker tag website:1 127.0.0.1:5000/website:latest",
                "docker push 127.0.0.1:5000/website:1",
            ),
        ],
    ),
    "ex4-round-trip": one(
        "ex4-round-trip",
        [
            docker("docker rmi 127.0.0.1:5000/website:1", "docker pull 127.0.0.1:5000/website:1"),
            docker(
                "docker image rm 127.0.0.1:5000/website:1",
                "docker image pull 127.0.0.1:5000/website:1",
            ),
        ],
        [
            docker("docker pull 127.0.0.1:5000/website:1"),
            docker("docker rmi 127.0.0.1:5000/website:1"),
        ],
    ),
}

SHOP = "docker rm -f shop"
NB05 = {
    "ex1-inspect": one(
        "ex1-inspect",
        [
            docker("docker inspect -f '{{.Config.Cmd}}' website"),
            docker("docker container inspect --format '{{.Config.Cmd}}' website"),
            docker("docker inspect --format='{{json .Config.Cmd}}' website"),
        ],
        [
            docker("docker inspect website"),
            docker("docker inspect -f '{{.Config.Entrypoint}}' website"),
            docker("docker inspect -f '{{.Config.Cmdd}}' website"),
            docker(
                "docker inspect -f '{{.Config.Cmd}}' website",
                "docker inspect -f '{{.Config.Cmd' website",
            ),
        ],
    ),
    "ex2-logs": one(
        "ex2-logs",
        [
            docker("docker logs --since 10m website"),
            docker("docker container logs --since=600s website"),
            docker("docker logs website --since 10m0s"),
        ],
        [
            docker("docker logs --since 10 website"),
            docker("docker logs website"),
            docker("docker logs --since 10m website", "docker logs --since 10min website"),
        ],
    ),
    "ex3-shell": one(
        "ex3-shell",
        [
            docker('docker exec box sh -c "echo ready"'),
            docker("docker exec box /bin/sh -c 'echo ready'"),
            docker('docker container exec -i box sh -c "echo ready"'),
        ],
        [
            docker("docker exec box echo ready"),
            docker('docker exec box bash -c "echo ready"'),
            docker('docker exec box sh -c "echo ready"', 'docker exec -it box sh -c "echo ready"'),
        ],
    ),
    "ex4-exit-code": one(
        "ex4-exit-code",
        ["exit_code = 1", "exit_code: int = 1"],
        ["exit_code = 0", "exit_code = 127"],
    ),
    "ex4-fix": one(
        "ex4-fix",
        [
            docker("docker run -d --name api2 -p 8080:80 nginx:latest"),
            docker("docker run --detach --publish 8080:80 --name=api2 nginx"),
        ],
        [
            docker("docker run -d --name api2 -p 80:8080 nginx:latest"),
            docker('docker run -d --name api2 -p 8080:80 nginx:latest nginx -g "daemon off"'),
        ],
    ),
    "ex5-dockerfile": Answers(
        (
            {},
            {
                "ex5-dockerfile": dockerfile(
                    "debug/build/Dockerfile",
                    "FROM node:20-alpine",
                    "WORKDIR /app",
                    "COPY . .",
                    'RUN ["npm", "install"]',
                    'CMD ["node", "index.js"]',
                ),
                "ex5-build": docker("docker image build -t debug-build:1 ./debug/build"),
            },
        ),
        (
            {
                "ex5-dockerfile": dockerfile(
                    "debug/build/Dockerfile",
                    "FROM node:20-alpine",
                    "WORKDIR /app",
                    "COPY . .",
                    'CMD ["node", "index.js"]',
                )
            },
            {
                "ex5-dockerfile": dockerfile(
                    "debug/build/Dockerfile",
                    "FROM node:20-alpine",
                    "WORKDIR /app",
                    "RUN npm install",
                    "COPY . .",
                    'CMD ["node", "index.js"]',
                )
            },
        ),
    ),
    "ex6-dockerfile": Answers(
        (
            {},
            {
                "ex6-dockerfile": dockerfile(
                    "debug/cache/Dockerfile",
                    "FROM node:20-alpine",
                    "WORKDIR /app",
                    "COPY package.json ./",
                    "COPY greet ./greet",
                    'RUN ["npm", "install"]',
                    "COPY index.js ./",
                    'CMD ["node", "index.js"]',
                )
            },
        ),
        (
            {
                "ex6-dockerfile": dockerfile(
                    "debug/cache/Dockerfile",
                    "FROM node:20-alpine",
                    "WORKDIR /app",
                    "COPY . .",
                    "RUN npm install",
                    'CMD ["node", "index.js"]',
                )
            },
        ),
    ),
    "ex7-ports": one(
        "ex7-ports",
        [
            docker(SHOP, "docker run -d --name shop -p 8086:8081 debug-shop:1"),
            docker(
                "docker stop shop && docker rm shop && "
                "docker run --detach --publish=8086:8081 --name shop debug-shop:1"
            ),
        ],
        [
            docker(SHOP, "docker run -d --name shop -p 8081:8086 debug-shop:1"),
            docker("docker run -d --name shop2 -p 8086:8081 debug-shop:1"),
            docker(SHOP, "docker run -d --name shop -p 8086:80 debug-shop:1"),
        ],
    ),
}

COMPOSE = (
    "name: shop",
    "services:",
    "  db:",
    "    image: busybox:latest",
    '    command: sh -c "echo ready > /data/status && sleep 3600"',
    "    volumes:",
    "      - data:/data",
    "    healthcheck:",
    "      test: test -f /data/status",
    "      interval: 1s",
    "  api:",
    "    image: busybox:latest",
    '    command: ["sleep", "3600"]',
    "    environment:",
    "      - DB_HOST=db",
    "    depends_on:",
    "      db:",
    "        condition: service_healthy",
    "  web:",
    "    image: nginx:latest",
    "    ports:",
    "      - target: 80",
    "        published: 8080",
    "    depends_on: [api]",
    "volumes:",
    "  data: {}",
)
"""The Compose file in other correct forms: a string health-check test, a list command, a
list environment, the long port form, a flow-style dependency list."""


def compose(*replacements: tuple[str, str]) -> str:
    lines = list(COMPOSE)
    for old, new in replacements:
        lines = [new if line == old else line for line in lines]
    return writefile("compose.yaml", *[line for line in lines if line is not None])


NB08 = {
    "ex1-shop-net": one(
        "ex1-shop-net",
        [
            docker(
                "docker network create shop-net",
                "docker run -d --name shop-web --network shop-net nginx:latest",
                "docker run -d --name shop-client --network shop-net busybox:latest sleep 3600",
                "docker exec shop-client wget -q -O - http://shop-web",
            ),
            docker(
                "docker network create shop-net",
                "docker container run --detach --network=shop-net --name=shop-web nginx",
                "docker run -d --name shop-client busybox sleep 3600",
                "docker network connect shop-net shop-client",
                "docker exec shop-client wget -q -O - shop-web",
            ),
        ],
        [
            docker(
                "docker run -d --name shop-web nginx:latest",
                "docker run -d --name shop-client busybox:latest sleep 3600",
                "docker exec shop-client wget -q -O - http://shop-web",
            ),
            docker(
                "docker network create shop-net",
                "docker run -d --name shop-web --network shop-net nginx:latest",
                "docker run -d --name shop-client --network shop-net busybox:latest sleep 3600",
                "echo docker exec shop-client wget -q -O - http://shop-web",
            ),
            docker(
                "docker network create shop-net",
                "docker run -d --name shop-web --network shop-net nginx:latest",
                "docker run -d --name shop-client --network shop-net busybox:latest",
                "docker exec shop-client wget -q -O - http://shop-web",
            ),
        ],
    ),
    "ex2-debug": one(
        "ex2-debug",
        [
            docker(
                "docker network create debug-net",
                "docker network connect debug-net api",
                "docker network connect debug-net client",
                "docker exec client wget -q -O - http://api",
            ),
            docker(
                "docker network create fix",
                "docker rm -f api client",
                "docker run -d --name api --network fix nginx:latest",
                "docker run -d --name client --network fix busybox:latest sleep 3600",
                "docker exec client wget -q -O - api",
            ),
        ],
        [
            docker("docker exec client wget -q -O - http://api"),
            docker("docker rm -f client", "docker exec api curl -s http://api"),
            docker(
                "docker network create debug-net",
                "docker network connect debug-net api",
                "docker exec client wget -q -O - http://api",
            ),
        ],
    ),
    "ex3-compose-file": one(
        "ex3-compose-file",
        [
            compose(),
            compose(
                (
                    "      test: test -f /data/status",
                    '      test: ["CMD", "test", "-f", "/data/status"]',
                )
            ),
        ],
        [
            compose(("      - data:/data", "      - /data")),
            compose(("        condition: service_healthy", "        condition: service_started")),
            compose(("      - DB_HOST=db", "      - DB_HOST=database")),
            compose(
                ("      - target: 80", "      - target: 8080"),
                ("        published: 8080", "        published: 80"),
            ),
        ],
    ),
    "ex4-compose-up": one(
        "ex4-compose-up",
        [
            docker("docker compose up -d", "docker compose ps"),
            docker("docker compose --file compose.yaml up --detach"),
        ],
        [
            docker("docker compose config"),
            docker("docker compose create"),
            docker("docker-compose ps"),
        ],
    ),
    "ex5-compose-down": one(
        "ex5-compose-down",
        [
            docker("docker compose down -v"),
            docker("docker compose down --volumes --remove-orphans"),
        ],
        [
            docker("docker compose down"),
            docker("docker compose stop"),
            docker("docker rm -f shop-db-1 shop-api-1 shop-web-1", "docker volume rm shop_data"),
        ],
    ),
}


CORPUS: dict[str, dict[str, Answers]] = {
    "01-docker-intro": NB01,
    "02-docker-commands": NB02,
    "03-dockerfiles": NB03,
    "04-registries": NB04,
    "05-debugging": NB05,
    "08-networks-compose": NB08,
}
