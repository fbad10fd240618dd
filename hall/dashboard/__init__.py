"""Static assets of the manager dashboard (HTML, CSS, JS), served by hall.server.routes.dashboard."""
