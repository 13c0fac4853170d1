from supervision.units import public
from tests.units.conftest import MANUFACTURE, SELL, record, state_of, step


def test_a_batch_then_manufacture_and_sale_show_on_the_public_answer(coded):
    first = coded.codes[0]
    assert first.startswith("HZR-A1B2C3-0001-00000001-")
    record(coded.world, [step(MANUFACTURE, *coded.codes), step(SELL, first)])
    assert state_of(first) == "sold"
    answer = public.describe(first.lower())
    assert answer["state"] == "sold"
    assert [h["step"] for h in answer["history"]] == ["manufacture", "sell"]
