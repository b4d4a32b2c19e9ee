"""moto's server on a free loopback port, for the wire suite.

Prints "port N" on stdout once it listens. Exits when its parent (the test
run) goes away, so a killed test run never leaves a server behind.
"""
import os
import signal
import sys
import threading
import time

import json

from werkzeug.serving import make_server

# AWS managed policies exist in moto only with MOTO_IAM_LOAD_MANAGED_POLICIES,
# and then all of them (over a thousand) are parsed again on every reset: about
# 3 s a world on this machine. The worlds attach only these.
AWS_MANAGED = {
    "AmazonECSTaskExecutionRolePolicy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEC2ContainerServiceforEC2Role",
    "ReadOnlyAccess",
}
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
# The default AMIs (thousands) are loaded on every reset too; no world launches an instance from one.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

import moto.iam.models as iam_models  # noqa: E402

iam_models.aws_managed_policies_data = json.dumps(
    {k: v for k, v in json.loads(iam_models.aws_managed_policies_data).items() if k in AWS_MANAGED}
)

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app  # noqa: E402


def main() -> None:
    # The test run's pid comes as the argument: by the time this runs, a parent
    # that died at once would already have been replaced by init.
    parent = int(sys.argv[1]) if len(sys.argv) > 1 else os.getppid()
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)

    def stop(*_args: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"port {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
