"""The floor every page is measured against: a hello-world Flask app under the same gunicorn."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
