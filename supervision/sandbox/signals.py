"""What the fences tell the rest of the platform: ``breach_opened``.

Sent by ``fences._store`` inside the transaction that opened a breach episode, once per episode,
with the ``BreachEpisode`` as sender, its test's ``case`` and the breach kind's ``kind_label``
(N_-marked).  A receiver acts in the same transaction (the incidents package opens one incident
per episode).  The sandbox imports nothing of its receivers.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

breach_opened = _signals.signal("breach-opened")
