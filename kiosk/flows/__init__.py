"""Kiosk flows as plain Python (no Qt): each flow turns touches and device events into views.

Modelled on Electrum's wizard: the screen map is data, so tests walk whole flows without a
screen. A step returns either a :class:`~kiosk.flows.base.View` to render or a
:class:`~kiosk.flows.base.Work` to run off the GUI thread, whose callbacks return the next step.
"""
