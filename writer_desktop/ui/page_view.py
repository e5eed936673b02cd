"""PageView: how the page looks and how much of the window it gets. The View menu's page
actions (zoom, font, paragraphs, column width, typing aids, who wrote what), focus mode,
and light or dark; the author's choices are kept in their settings file."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QFontDialog, QInputDialog, QMenu

from writer_desktop.config import read_user_file, write_user_file

if TYPE_CHECKING:
    from writer_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

SCHEMES = {
    "system": Qt.ColorScheme.Unknown,
    "light": Qt.ColorScheme.Light,
    "dark": Qt.ColorScheme.Dark,
}


def dark_palette() -> QPalette:
    """A dark palette for platforms that ignore the colour scheme hint."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2e",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e20",
        QPalette.ColorRole.AlternateBase: "#2f2f33",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#35353a",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#35353a",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8a8a90",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.Mid: "#242427",
        QPalette.ColorRole.Dark: "#1a1a1c",
        QPalette.ColorRole.Light: "#4a4a50",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#77777c"))
    return palette


def apply_color_scheme(choice: str) -> None:
    """Light, dark, or the system's: Qt 6's colour scheme hint (the Fusion style and the
    platform follow it); where the platform ignores the hint, a palette of our own."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    hints = QGuiApplication.styleHints()
    wanted = SCHEMES.get(choice, Qt.ColorScheme.Unknown)
    hints.setColorScheme(wanted)
    if wanted == Qt.ColorScheme.Dark and hints.colorScheme() != Qt.ColorScheme.Dark:
        app.setPalette(dark_palette())
    else:
        style = app.style()
        app.setPalette(style.standardPalette() if style is not None else QPalette())


def is_dark() -> bool:
    palette = QGuiApplication.palette()
    return palette.window().color().lightness() < 128


class PageView(QObject):
    """Owned by the window; builds its part of the View menu."""

    focus_changed = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.editor = window.editor
        self.focused = False
        self._before_focus: tuple[bytes, bool, bool] | None = None

        self.italic_action = self._action(self.tr("&Italic"), self.editor.toggle_italic, "Ctrl+I")
        self.bold_action = self._action(self.tr("&Bold"), self.editor.toggle_bold, "Ctrl+B")
        self.zoom_in_action = self._action(self.tr("Zoom &in"), self.editor.zoom_in, "Ctrl+=")
        self.zoom_in_action.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.zoom_out_action = self._action(self.tr("Zoom &out"), self.editor.zoom_out, "Ctrl+-")
        self.zoom_reset_action = self._action(
            self.tr("&Actual size"), lambda: self.editor.set_zoom(100), "Ctrl+0"
        )
        self.font_action = self._action(self.tr("&Font…"), self.choose_font)
        self.column_action = self._action(self.tr("Page &width…"), self.choose_column_width)
        self.focus_action = self._action(self.tr("&Focus mode"), self.toggle_focus, "F11")
        self.focus_action.setShortcuts([QKeySequence("F11"), QKeySequence("Ctrl+Shift+F")])
        self.focus_action.setCheckable(True)
        self.focus_action.setToolTip(
            self.tr("Full screen, the page alone, the line you write kept in the middle (F11)")
        )
        settings = window.settings
        self.indent_action = self._choice(self.tr("First-line &indent"), "indent")
        self.spaced_action = self._choice(self.tr("&Space between paragraphs"), "spaced")
        paragraphs = QActionGroup(self)
        for action in (self.indent_action, self.spaced_action):
            paragraphs.addAction(action)
        self.smart_action = self._toggle(
            self.tr("Smart &quotes and dashes"), "smart_typography", settings.smart_typography
        )
        self.spell_action = self._toggle(
            self.tr("Check &spelling as you type"), "spell_check", settings.spell_check
        )
        self.tint_action = self._toggle(
            self.tr("Show &who wrote what"), "show_ai_tint", settings.show_ai_tint
        )
        self.tint_action.setToolTip(self.tr("Tint the text the AI wrote until you edit it"))
        self.scheme_actions: dict[str, QAction] = {}
        schemes = QActionGroup(self)
        for key, label in (
            ("system", self.tr("Follow the &system")),
            ("light", self.tr("&Light")),
            ("dark", self.tr("&Dark")),
        ):
            action = QAction(label, self)
            action.setCheckable(True)
            action.setChecked(settings.color_scheme == key)
            action.triggered.connect(lambda _=False, k=key: self.set_color_scheme(k))
            schemes.addAction(action)
            self.scheme_actions[key] = action
        self._sync_paragraph_actions()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._scheme_changed)
        apply_color_scheme(settings.color_scheme)
        self._scheme_changed()

    def _action(self, text: str, slot, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _toggle(self, text: str, name: str, on: bool) -> QAction:
        action = QAction(text, self.window)
        action.setCheckable(True)
        action.setChecked(on)
        action.toggled.connect(lambda checked: self.change({name: checked}))
        return action

    def _choice(self, text: str, style: str) -> QAction:
        action = QAction(text, self.window)
        action.setCheckable(True)
        action.triggered.connect(lambda: self.change({"editor_paragraph_style": style}))
        return action

    def _sync_paragraph_actions(self) -> None:
        spaced = self.window.settings.editor_paragraph_style == "spaced"
        self.spaced_action.setChecked(spaced)
        self.indent_action.setChecked(not spaced)

    def fill_menus(self, format_menu: QMenu, view_menu: QMenu) -> None:
        """The Format menu and the page's part of the View menu."""
        format_menu.addActions([self.italic_action, self.bold_action])
        format_menu.addSeparator()
        format_menu.addActions([self.indent_action, self.spaced_action])
        format_menu.addSeparator()
        format_menu.addActions([self.smart_action, self.spell_action])
        view_menu.addAction(self.focus_action)
        view_menu.addSeparator()
        view_menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        view_menu.addActions([self.font_action, self.column_action])
        view_menu.addSeparator()
        view_menu.addAction(self.tint_action)
        appearance = view_menu.addMenu(self.tr("&Appearance"))
        appearance.addActions(list(self.scheme_actions.values()))
        view_menu.addSeparator()

    # -- settings --------------------------------------------------------------------------

    def change(self, values: dict[str, Any]) -> None:
        """Apply page settings now and keep them in the author's settings file."""
        window = self.window
        window.settings = window.settings.model_copy(update=values)
        self.editor.apply_settings(window.settings)
        self._sync_paragraph_actions()
        user_file = window.paths.settings_file
        try:
            stored = read_user_file(user_file)
            stored.update({k.upper(): v for k, v in values.items()})
            write_user_file(user_file, stored)
        except OSError as exc:  # the choice still holds for this session
            log.warning("settings not kept: %s", exc)
            window.statusBar().showMessage(self.tr("Could not keep the setting: {0}").format(exc))

    def choose_font(self) -> None:
        settings = self.window.settings
        current = self.editor.document().defaultFont()
        current.setPointSize(settings.editor_font_size)
        ok, font = QFontDialog.getFont(current, self.window, self.tr("Font of the page"))
        if isinstance(ok, bool) is False:  # PySide returns (font, ok) on some versions
            ok, font = font, ok
        if ok:
            size = max(6, min(48, round(font.pointSizeF()) or settings.editor_font_size))
            self.change({"editor_font_family": font.family(), "editor_font_size": size})

    def choose_column_width(self) -> None:
        width, ok = QInputDialog.getInt(
            self.window,
            self.tr("Page width"),
            self.tr("Characters per line (the text column is centred in the window):"),
            self.window.settings.editor_column_width,
            30,
            200,
            5,
        )
        if ok:
            self.change({"editor_column_width": width})

    def set_color_scheme(self, choice: str) -> None:
        """System, light or dark, now and at the next start."""
        self.change({"color_scheme": choice})
        apply_color_scheme(choice)
        self._scheme_changed()

    def _scheme_changed(self, *_args) -> None:
        self.editor.highlighter.set_dark(is_dark())

    # -- focus mode ------------------------------------------------------------------------

    def toggle_focus(self) -> None:
        self.set_focus_mode(not self.focused)

    def set_focus_mode(self, on: bool) -> None:
        """Full screen, the page alone, typewriter scrolling; everything comes back as it
        was when the author leaves (F11 or Esc)."""
        if on == self.focused:
            return
        window = self.window
        self.focused = on
        self.focus_action.setChecked(on)
        if on:
            self._before_focus = (
                bytes(window.saveState()),
                window.isFullScreen(),
                window.menuBar().isVisible(),
            )
            for dock in window.docks():
                dock.hide()
            for toolbar in window.toolbars():
                toolbar.hide()
            window.statusBar().hide()
            window.menuBar().hide()
            window.showFullScreen()
            self.focused = True
            window.say(self.tr("Focus mode: F11 or Esc to leave."))
        else:
            state, was_full, menu = self._before_focus or (b"", False, True)
            window.menuBar().setVisible(menu)
            window.statusBar().show()
            if state:
                window.restoreState(state)
            if not was_full:
                window.showNormal()
        self.editor.set_typewriter(on)
        self.editor.setFocus()
        self.focus_changed.emit(on)
