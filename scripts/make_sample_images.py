"""Draw the sample content's images (content/images/*.png): flat illustrations, 1,800 px wide.

Nothing can be downloaded where the sample content is made, so each picture is drawn here with
Pillow from a seeded random generator: the same script always gives the same files. Flat
colours in a small palette keep each PNG small in bytes while being wide enough for every
image slot of the theme (the widest needs 1,600 px).

    python scripts/make_sample_images.py [--out content/images]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1800, 1200
Draw = ImageDraw.ImageDraw
Color = tuple[int, int, int]

SKY = (205, 226, 240)
DUSK = (60, 62, 105)
GRASS = (120, 168, 88)
HILL = (88, 136, 70)
WOOD = (150, 100, 60)
DARK_WOOD = (100, 66, 40)
TABLE = (176, 128, 82)
APPLE_RED = (196, 40, 52)
APPLE_GREEN = (140, 186, 60)
CREAM = (246, 236, 214)
WALL = (232, 220, 196)


def landscape(draw: Draw, rng: random.Random, sky: Color = SKY, ground: Color = GRASS) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=sky)
    draw.ellipse((-400, 520, 1100, 1300), fill=HILL)
    draw.ellipse((700, 560, 2300, 1400), fill=tuple(c - 12 for c in HILL))
    draw.rectangle((0, 820, WIDTH, HEIGHT), fill=ground)
    for _ in range(5):
        x, y = rng.randint(0, WIDTH), rng.randint(60, 300)
        for dx, dy, r in ((0, 0, 50), (50, -20, 60), (110, 0, 45)):
            draw.ellipse((x + dx - r, y + dy - r, x + dx + r, y + dy + r), fill=(250, 250, 250))


def tree(
    draw: Draw,
    x: int,
    y: int,
    size: int,
    crown: Color,
    fruit: Color | None = None,
    rng: random.Random | None = None,
) -> None:
    draw.rectangle((x - size // 10, y - size, x + size // 10, y), fill=DARK_WOOD)
    draw.ellipse((x - size, y - 2 * size, x + size, y - size // 2), fill=crown)
    if fruit and rng:
        for _ in range(14):
            fx = x + rng.randint(-size * 3 // 4, size * 3 // 4)
            fy = y - size - rng.randint(-size // 3, size * 2 // 3)
            draw.ellipse((fx - 14, fy - 14, fx + 14, fy + 14), fill=fruit)


def crate(draw: Draw, x: int, y: int, w: int, rng: random.Random) -> None:
    h = w * 2 // 3
    for _ in range(int(w / 9)):
        ax, ay = x + rng.randint(20, w - 20), y - rng.randint(0, 40)
        draw.ellipse(
            (ax - 34, ay - 34, ax + 34, ay + 34),
            fill=rng.choice((APPLE_RED, APPLE_GREEN, (214, 80, 50))),
        )
    draw.rectangle((x, y, x + w, y + h), fill=WOOD)
    for i in range(1, 3):
        draw.line((x, y + i * h // 3, x + w, y + i * h // 3), fill=DARK_WOOD, width=8)


def jar(draw: Draw, x: int, y: int, w: int, h: int, fill: Color, lid: Color) -> None:
    draw.rounded_rectangle((x, y, x + w, y + h), radius=w // 6, fill=fill)
    draw.rectangle((x + w // 10, y - h // 8, x + w - w // 10, y + 4), fill=lid)
    draw.rectangle((x + w // 5, y + h // 3, x + w - w // 5, y + h * 2 // 3), fill=CREAM)


def loaf(draw: Draw, x: int, y: int, w: int, h: int, crust: Color) -> None:
    draw.ellipse((x, y, x + w, y + h), fill=crust)
    for i in range(1, 4):
        cx = x + i * w // 4
        draw.line((cx - 40, y + h // 4, cx + 40, y + h // 2), fill=CREAM, width=10)


def table_scene(draw: Draw, wall: Color = WALL) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=wall)
    draw.rectangle((0, 760, WIDTH, HEIGHT), fill=TABLE)
    draw.rectangle((0, 760, WIDTH, 790), fill=DARK_WOOD)


def apple_harvest(draw: Draw, rng: random.Random) -> None:
    landscape(draw, rng)
    for x in (200, 700, 1300, 1650):
        tree(draw, x, 840, 170, (70, 128, 60), APPLE_RED, rng)
    for x in (250, 700, 1150):
        crate(draw, x, 900, 380, rng)


def apple_juice(draw: Draw, rng: random.Random) -> None:
    table_scene(draw)
    for i, x in enumerate((300, 720, 1140)):
        draw.rounded_rectangle((x, 260, x + 300, 780), radius=60, fill=(232, 170, 50))
        draw.rectangle((x + 110, 160, x + 190, 270), fill=(232, 170, 50))
        draw.rectangle((x + 100, 130, x + 200, 170), fill=(60, 60, 60))
        draw.rectangle((x + 40, 420, x + 260, 600), fill=CREAM)
        draw.ellipse((x + 110, 470, x + 190, 550), fill=(APPLE_RED, APPLE_GREEN, APPLE_RED)[i])
    for x in (1550, 1660):
        draw.ellipse((x - 50, 700, x + 50, 800), fill=APPLE_GREEN)


def beehives(draw: Draw, rng: random.Random) -> None:
    landscape(draw, rng)
    for i, x in enumerate((250, 750, 1250)):
        colour = ((236, 200, 90), (160, 200, 220), (240, 240, 230))[i]
        for level in range(3):
            top = 880 - level * 130
            draw.rectangle((x, top - 120, x + 320, top), fill=colour, outline=DARK_WOOD, width=6)
        draw.polygon([(x - 30, 500), (x + 160, 420), (x + 350, 500)], fill=(120, 120, 120))
        draw.rectangle((x + 20, 880, x + 300, 940), fill=DARK_WOOD)
    for _ in range(40):
        bx, by = rng.randint(0, WIDTH), rng.randint(300, 800)
        draw.ellipse((bx - 9, by - 6, bx + 9, by + 6), fill=(40, 30, 10))


def bread_oven(draw: Draw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=(120, 70, 60))
    for row in range(0, HEIGHT, 90):
        for col in range(-(row // 90 % 2) * 90, WIDTH, 180):
            draw.rectangle((col + 4, row + 4, col + 176, row + 86), fill=(160, 90, 70))
    draw.ellipse((400, 200, 1400, 1200), fill=(60, 40, 35))
    draw.rectangle((400, 700, 1400, 1200), fill=(60, 40, 35))
    draw.ellipse((520, 420, 1280, 1100), fill=(30, 20, 20))
    for _ in range(18):
        fx, fy = rng.randint(640, 1160), rng.randint(800, 1000)
        draw.polygon(
            [(fx - 40, 1060), (fx, fy), (fx + 40, 1060)],
            fill=rng.choice(((250, 160, 40), (240, 100, 30), (255, 210, 80))),
        )


def candles(draw: Draw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=DUSK)
    draw.rectangle((0, 850, WIDTH, HEIGHT), fill=(50, 45, 60))
    for i, x in enumerate(range(200, 1700, 300)):
        height = 300 + (i % 3) * 80
        draw.ellipse((x - 150, 700 - height - 150, x + 250, 700 - height + 250), fill=(90, 86, 120))
        draw.rectangle((x, 850 - height, x + 100, 850), fill=(240, 210, 120))
        draw.ellipse((x + 25, 760 - height, x + 75, 850 - height), fill=(255, 190, 60))
        draw.ellipse((x + 38, 790 - height, x + 62, 840 - height), fill=(255, 245, 200))


def cider_press(draw: Draw, rng: random.Random) -> None:
    landscape(draw, rng)
    draw.rectangle((600, 260, 680, 980), fill=DARK_WOOD)
    draw.rectangle((1120, 260, 1200, 980), fill=DARK_WOOD)
    draw.rectangle((560, 220, 1240, 300), fill=WOOD)
    draw.rectangle((880, 300, 920, 560), fill=(90, 90, 90))
    draw.rectangle((700, 560, 1100, 620), fill=WOOD)
    draw.rectangle((720, 620, 1080, 900), fill=(180, 130, 80))
    draw.rectangle((620, 900, 1180, 960), fill=WOOD)
    draw.rounded_rectangle((1250, 860, 1500, 1080), radius=30, fill=(232, 170, 50))
    crate(draw, 160, 900, 340, rng)


def honey_jar(draw: Draw, rng: random.Random) -> None:
    table_scene(draw, (250, 238, 205))
    jar(draw, 620, 330, 520, 460, (232, 160, 30), (120, 80, 40))
    for x in (240, 1320):
        jar(draw, x, 500, 260, 270, (222, 150, 30), (120, 80, 40))
    for row in range(4):
        for col in range(3):
            cx, cy = 1480 + col * 90 + (row % 2) * 45, 120 + row * 80
            draw.regular_polygon((cx, cy, 48), 6, fill=(236, 190, 80), outline=(200, 140, 40))


def jam_jars(draw: Draw, rng: random.Random) -> None:
    table_scene(draw)
    colours = ((110, 30, 70), (70, 20, 60), (150, 40, 60), (90, 30, 80))
    for i, x in enumerate(range(120, 1700, 330)):
        jar(draw, x, 440, 260, 330, colours[i % len(colours)], (210, 60, 60))
        draw.polygon([(x - 10, 440), (x + 130, 380), (x + 270, 440)], fill=(240, 230, 220))


def members_meeting(draw: Draw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=(196, 160, 120))
    draw.polygon([(0, 0), (900, -200), (1800, 0), (1800, 260), (0, 260)], fill=(120, 80, 50))
    draw.rectangle((0, 860, WIDTH, HEIGHT), fill=(150, 118, 90))
    shirts = ((60, 110, 160), (180, 70, 70), (90, 140, 80), (200, 170, 60), (120, 90, 150))
    for i, x in enumerate(range(180, 1700, 240)):
        y = 720 + (i % 2) * 60
        draw.rectangle((x - 60, y, x + 60, y + 200), fill=DARK_WOOD)
        draw.rounded_rectangle((x - 55, y - 190, x + 55, y + 30), radius=40, fill=shirts[i % 5])
        draw.ellipse((x - 42, y - 290, x + 42, y - 200), fill=(230, 190, 150))
    draw.rectangle((1010, 330, 1090, 420), fill=(250, 250, 250))
    draw.line((1050, 420, 1050, 520), fill=(230, 190, 150), width=20)


def orchard_blossom(draw: Draw, rng: random.Random) -> None:
    landscape(draw, rng, (190, 220, 245))
    for x in (250, 850, 1450):
        tree(draw, x, 860, 260, (110, 150, 90))
        for _ in range(70):
            px = x + rng.randint(-240, 240)
            py = 860 - 260 - rng.randint(-100, 240)
            r = rng.randint(12, 26)
            draw.ellipse(
                (px - r, py - r, px + r, py + r),
                fill=rng.choice(((250, 210, 225), (255, 245, 250), (240, 170, 195))),
            )


def pruning(draw: Draw, rng: random.Random) -> None:
    table_scene(draw, (214, 226, 210))
    for i in range(9):
        y = 560 + i * 18
        draw.line((300, y, 1100, y - 80 + rng.randint(-20, 20)), fill=(110, 80, 50), width=14)
    draw.line((300, 640, 300, 700), fill=(200, 60, 60), width=40)
    draw.line((1200, 700, 1500, 420), fill=(200, 40, 40), width=46)
    draw.line((1260, 720, 1560, 520), fill=(200, 40, 40), width=46)
    draw.ellipse((1440, 380, 1620, 560), fill=(160, 160, 170))


def rye_loaf(draw: Draw, rng: random.Random) -> None:
    table_scene(draw, (236, 226, 206))
    draw.rounded_rectangle((260, 700, 1540, 860), radius=40, fill=(200, 160, 110))
    loaf(draw, 380, 380, 1040, 420, (110, 70, 40))
    for _ in range(60):
        sx, sy = rng.randint(420, 1380), rng.randint(430, 740)
        draw.ellipse((sx - 6, sy - 4, sx + 6, sy + 4), fill=(70, 45, 25))


def solar_roof(draw: Draw, rng: random.Random) -> None:
    landscape(draw, rng, (170, 210, 240))
    draw.rectangle((300, 560, 1500, 960), fill=(210, 190, 160))
    draw.polygon([(220, 580), (900, 180), (1580, 580)], fill=(150, 70, 60))
    for row in range(3):
        for col in range(5):
            x0 = 560 + col * 150 - row * 60
            y0 = 330 + row * 70
            draw.polygon(
                [(x0, y0), (x0 + 140, y0), (x0 + 100, y0 + 62), (x0 - 40, y0 + 62)],
                fill=(40, 60, 110),
                outline=(200, 210, 230),
            )
    draw.rectangle((820, 760, 980, 960), fill=DARK_WOOD)
    draw.ellipse((1500, 80, 1700, 280), fill=(255, 220, 90))


def sourdough(draw: Draw, rng: random.Random) -> None:
    table_scene(draw, (240, 232, 218))
    for i in range(12):
        draw.line((200 + i * 60, 700, 200 + i * 60, 760), fill=(80, 80, 80), width=6)
    draw.line((200, 700, 860, 700), fill=(80, 80, 80), width=6)
    loaf(draw, 170, 420, 720, 320, (190, 130, 70))
    jar(draw, 1100, 300, 360, 460, (240, 236, 220), (200, 200, 200))
    draw.ellipse((1140, 430, 1420, 520), fill=(250, 248, 240))


def spoon(draw: Draw, rng: random.Random) -> None:
    table_scene(draw, (220, 214, 200))
    draw.ellipse((420, 380, 820, 640), fill=(200, 150, 100))
    draw.ellipse((470, 420, 770, 600), fill=(180, 130, 85))
    draw.polygon([(800, 480), (1500, 430), (1520, 520), (800, 540)], fill=(200, 150, 100))
    for _ in range(30):
        cx, cy = rng.randint(200, 1600), rng.randint(820, 1150)
        draw.ellipse((cx - 30, cy - 8, cx + 30, cy + 8), fill=(230, 200, 160))


def tote_bag(draw: Draw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=(200, 214, 200))
    draw.arc((640, 80, 1160, 640), 180, 360, fill=(210, 195, 160), width=40)
    draw.rectangle((500, 340, 1300, 1120), fill=(236, 224, 196))
    tree(draw, 900, 960, 180, (90, 140, 70), APPLE_RED, rng)


def workshop_bench(draw: Draw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=(180, 196, 206))
    for x in range(100, 1700, 160):
        draw.rectangle((x, 120, x + 20, 420), fill=(90, 90, 100))
        draw.ellipse((x - 20, 80, x + 40, 140), fill=(90, 90, 100))
    draw.rectangle((0, 700, WIDTH, 820), fill=WOOD)
    draw.rectangle((100, 820, 180, HEIGHT), fill=DARK_WOOD)
    draw.rectangle((1620, 820, 1700, HEIGHT), fill=DARK_WOOD)
    draw.rounded_rectangle((400, 470, 900, 700), radius=50, fill=(210, 210, 215))
    draw.rectangle((480, 440, 560, 480), fill=(40, 40, 40))
    draw.rectangle((700, 440, 780, 480), fill=(40, 40, 40))
    draw.line((1100, 660, 1500, 560), fill=(230, 80, 40), width=30)
    draw.line((1150, 690, 1450, 690), fill=(50, 50, 160), width=22)


SCENES: dict[str, Callable[[Draw, random.Random], None]] = {
    "apple-harvest": apple_harvest,
    "apple-juice": apple_juice,
    "beehives": beehives,
    "bread-oven": bread_oven,
    "candles": candles,
    "cider-press": cider_press,
    "honey-jar": honey_jar,
    "jam-jars": jam_jars,
    "members-meeting": members_meeting,
    "orchard-blossom": orchard_blossom,
    "pruning": pruning,
    "rye-loaf": rye_loaf,
    "solar-roof": solar_roof,
    "sourdough": sourdough,
    "spoon": spoon,
    "tote-bag": tote_bag,
    "workshop-bench": workshop_bench,
}


def render(name: str) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT))
    SCENES[name](ImageDraw.Draw(image), random.Random(name))
    return image.quantize(colors=48, dither=Image.Dither.NONE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", default="content/images", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in SCENES:
        render(name).save(args.out / f"{name}.png", optimize=True)
        print(args.out / f"{name}.png")


if __name__ == "__main__":
    main()
