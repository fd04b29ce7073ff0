"""Measuring a rendered PDF the way a ruler on the printed page would: the page rasterised
at 300 dpi (pdftoppm), then the top edge of the red ink of the agency mark, the dash line
of the page numbers, and the QR code read back."""
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

DPI = 300
PX_MM = 25.4 / DPI
MM = 72 / 25.4
TYPE_BOTTOM_MM = 262


def raster(data: bytes, page: int) -> np.ndarray:
    """Page `page` (1-based) of the PDF as an RGB array of 300 dpi."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", str(page), "-l", str(page),
                        "-singlefile", str(source), str(Path(folder) / "page")], check=True)
        return np.asarray(Image.open(Path(folder) / "page.png").convert("RGB")).astype(int)


def red_ink_top_mm(image: np.ndarray) -> float:
    """The top edge of the highest red ink of the page (the agency mark), in mm."""
    red = (image[:, :, 0] > 180) & (image[:, :, 1] < 100) & (image[:, :, 2] < 100)
    return float(np.where(red.any(axis=1))[0].min() * PX_MM)


def dash_line_mm(image: np.ndarray) -> tuple[float, float]:
    """(top, bottom) in mm of the dash line of the page number below the type area: the rows
    where dark ink runs for more than 4 mm (the two dashes of "— 1 —")."""
    dark = image.sum(axis=2) < 300
    start = int(TYPE_BOTTOM_MM / PX_MM)
    rows = [r for r in range(start, image.shape[0]) if dark[r].sum() * PX_MM > 4]
    return rows[0] * PX_MM, (rows[-1] + 1) * PX_MM


def decode_qr(image: np.ndarray, box: dict) -> str | None:
    """The text of the QR code inside `box` (pdfplumber's image: x0, top, x1, bottom in pt),
    read by zxing-cpp; None when zxing-cpp is not installed."""
    try:
        import zxingcpp
    except ImportError:
        return None
    scale = DPI / 72
    margin = 4 * MM * scale  # a quiet zone of white around the code
    crop = image[max(0, int(box["top"] * scale - margin)):int(box["bottom"] * scale + margin),
                 max(0, int(box["x0"] * scale - margin)):int(box["x1"] * scale + margin)]
    found = zxingcpp.read_barcodes(Image.fromarray(crop.astype("uint8")))
    return found[0].text if found else ""
