"""The baseline for HTTP throughput: a bare FastAPI endpoint taking the same
body (validated into the same AccessEvent model) and deciding nothing."""

from fastapi import FastAPI

from engine.models import AccessEvent

app = FastAPI()


@app.post("/v1/decisions")
async def decide(event: AccessEvent) -> dict:
    return {"allow": True, "outcome": "allow", "action": event.action.value}
