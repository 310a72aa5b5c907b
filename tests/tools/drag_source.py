#!/usr/bin/env python3
"""A tiny X11 drag source for the drag-and-drop end-to-end test (tests/tests/drag_drop.rs).

It opens an undecorated GTK 3 window at the top-left corner of the screen holding one button;
dragging that button with the mouse offers FILE as `text/uri-list`, exactly what a file manager
offers when a file is dragged out of it. Usage: drag_source.py FILE

Prints `ready X Y` (the button's centre on the screen) once the window is shown, `sent URI` when
a drop target asked for the data, and `finished` when the drag ended.
"""

import sys
from pathlib import Path

import gi

gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: drag_source.py FILE", file=sys.stderr)
        return 2
    path = Path(sys.argv[1]).resolve()
    if not path.is_file():
        print(f"drag_source.py: {path} is not a file", file=sys.stderr)
        return 2
    uri = path.as_uri()  # file:///…, spaces and non-ASCII percent-encoded as file managers do

    window = Gtk.Window(title="Prestage drag source")
    window.set_decorated(False)
    window.set_default_size(180, 70)
    window.move(0, 0)
    button = Gtk.Button(label=path.name)
    button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    button.drag_source_add_uri_targets()

    def on_data_get(_widget, _context, data, _info, _time):
        data.set_uris([uri])
        print("sent", uri, flush=True)

    def on_drag_end(_widget, _context):
        print("finished", flush=True)

    def announce():
        allocation = button.get_allocation()
        x, y = window.get_position()
        centre_x = x + allocation.x + allocation.width // 2
        centre_y = y + allocation.y + allocation.height // 2
        print(f"ready {centre_x} {centre_y}", flush=True)
        return False

    button.connect("drag-data-get", on_data_get)
    button.connect("drag-end", on_drag_end)
    window.add(button)
    window.connect("destroy", Gtk.main_quit)
    window.connect("map-event", lambda *_: GLib.timeout_add(200, announce) and False)
    window.show_all()
    Gtk.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
