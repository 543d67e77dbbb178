"""The floor: the cheapest JSON endpoint Flask can serve, under the same gunicorn as the service.

Every scenario is reported as a ratio to this endpoint's requests per second, measured in the
same round, so that the figures hold on a noisy or slower machine.

    gunicorn -w 2 -k sync -b 127.0.0.1:PORT --chdir bench floor_app:app
"""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/bare")
def bare():
    return jsonify({"/post/1": 20})
