"""The display's media area (信息发布): images for ``image_s`` each, videos to their end — always muted (the
player has no audio output: the hall's speakers are for calls only). Holds the frame to paint; the board view
paints it. A file that cannot be shown is skipped (logged), never a black area for long."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink

from hall.display.media import Playlist, kind_of

log = logging.getLogger(__name__)
RETRY_MS = 30_000  # an empty or unreadable folder is looked at again this often


class MediaArea(QObject):
    """``start()``, then ``image`` is the current picture (None before the first); ``changed`` is called
    after each new picture or frame."""

    def __init__(self, folder: Path, *, image_s: float, changed: Callable[[], None]) -> None:
        super().__init__()
        self.playlist = Playlist(folder)
        self.image: QImage | None = None
        self.current: Path | None = None
        self.shown = 0  # files shown so far (tests and the log)
        self._fresh = False  # the current file has not been counted in ``shown`` yet
        self._changed = changed
        self._image_ms = int(image_s * 1000)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.advance)
        self._player = QMediaPlayer(self)  # no QAudioOutput set: no sound, by construction
        self._sink = QVideoSink(self)
        self._player.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._frame)
        self._player.mediaStatusChanged.connect(self._status)
        self._player.errorOccurred.connect(lambda _e, text: self._skip(f"video error: {text}"))

    @property
    def muted(self) -> bool:
        return self._player.audioOutput() is None

    def start(self) -> None:
        self.advance()

    def stop(self) -> None:
        self._timer.stop()
        self._player.stop()

    def advance(self) -> None:
        self._player.stop()
        path = self.playlist.next()
        self.current, self._fresh = path, True
        if path is None:
            self._timer.start(RETRY_MS)
            return
        if kind_of(path) == "image":
            image = QImage(str(path))
            if image.isNull():
                self._skip("not a readable image")
                return
            self._show(image)
            self._timer.start(self._image_ms)
        else:
            self._player.setSource(QUrl.fromLocalFile(str(path)))
            self._player.play()

    def _show(self, image: QImage) -> None:
        self.image = image
        if self._fresh:
            self.shown += 1
            self._fresh = False
        self._changed()

    def _frame(self, frame: QVideoFrame) -> None:
        image = frame.toImage()
        if not image.isNull():
            self._show(image)

    def _status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            QTimer.singleShot(0, self.advance)
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._skip("invalid media")

    def _skip(self, why: str) -> None:
        log.warning("media %s skipped: %s", self.current.name if self.current else "?", why)
        self._timer.start(1000)  # the next file in a second: one bad file never blanks the area for long
