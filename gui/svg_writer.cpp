// A small vector paint device: QPainter calls become SVG elements (paths,
// polygons, <text> with the font's family and size, images as embedded PNG).
// Debian's Qt has no QtSvg module by default, and the viewer only needs the
// subset that QWidget::render produces for the lanes, the chart and a table.
#include <QBuffer>
#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QRegularExpression>
#include <QTextItem>
#include <QWidget>
#include <cmath>
#include <numbers>

#include "gui/viewer_pane.h"

namespace vsim::gui {

namespace {

QString Num(double v) { return QString::number(v, 'f', 2).remove(QRegularExpression("\\.?0+$")); }

QString Escape(const QString& s) { return s.toHtmlEscaped(); }

QString ColorAttr(const char* what, const QColor& c) {
  QString s = QString(" %1=\"%2\"").arg(what, c.name(QColor::HexRgb));
  if (c.alpha() != 255) s += QString(" %1-opacity=\"%2\"").arg(what, Num(c.alphaF()));
  return s;
}

class SvgEngine : public QPaintEngine {
 public:
  SvgEngine() : QPaintEngine(QPaintEngine::AllFeatures) {}

  bool begin(QPaintDevice*) override { return true; }
  bool end() override {
    CloseGroup();
    return true;
  }
  Type type() const override { return QPaintEngine::User; }

  void updateState(const QPaintEngineState& s) override {
    const auto f = s.state();
    if (f & DirtyPen) pen_ = s.pen();
    if (f & DirtyBrush) brush_ = s.brush();
    if (f & DirtyTransform) transform_ = s.transform();
    if (f & DirtyOpacity) opacity_ = s.opacity();
    if (f & (DirtyClipPath | DirtyClipRegion | DirtyClipEnabled)) {
      QPainterPath clip;
      bool on = s.isClipEnabled();
      if (f & DirtyClipPath) {
        clip = transform_.map(s.clipPath());
      } else if (f & DirtyClipRegion) {
        clip.addRegion(transform_.map(s.clipRegion()));
      } else {
        clip = clip_;
      }
      if (s.clipOperation() == Qt::NoClip) on = false;
      SetClip(on ? clip : QPainterPath());
    }
  }

  void drawPath(const QPainterPath& path) override { Emit(transform_.map(path), true); }

  void drawPolygon(const QPointF* pts, int n, PolygonDrawMode mode) override {
    QPainterPath path;
    if (n <= 0) return;
    path.moveTo(pts[0]);
    for (int i = 1; i < n; ++i) path.lineTo(pts[i]);
    if (mode != PolylineMode) path.closeSubpath();
    path.setFillRule(mode == WindingMode ? Qt::WindingFill : Qt::OddEvenFill);
    Emit(transform_.map(path), mode != PolylineMode);
  }

  void drawPixmap(const QRectF& r, const QPixmap& pm, const QRectF& sr) override {
    QByteArray png;
    QBuffer buf(&png);
    buf.open(QIODevice::WriteOnly);
    pm.copy(sr.toAlignedRect()).save(&buf, "PNG");
    const QRectF d = transform_.mapRect(r);
    out_ += QString(
                "<image x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" "
                "preserveAspectRatio=\"none\" href=\"data:image/png;base64,%5\"/>\n")
                .arg(Num(d.x()), Num(d.y()), Num(d.width()), Num(d.height()),
                     QString::fromLatin1(png.toBase64()));
  }

  void drawTextItem(const QPointF& p, const QTextItem& ti) override {
    const QPointF at = transform_.map(p);
    const QFont f = ti.font();
    const double scale = std::sqrt(std::abs(transform_.determinant()));
    const double px = (f.pixelSize() > 0 ? f.pixelSize() : f.pointSizeF() * 96.0 / 72.0) * scale;
    QString extra;
    if (f.bold()) extra += " font-weight=\"bold\"";
    if (f.italic()) extra += " font-style=\"italic\"";
    QString rot;
    if (transform_.isRotating()) {
      const double deg = std::atan2(transform_.m12(), transform_.m11()) * 180.0 / std::numbers::pi;
      rot = QString(" transform=\"rotate(%1 %2 %3)\"").arg(Num(deg), Num(at.x()), Num(at.y()));
    }
    QColor c = pen_.color();
    c.setAlphaF(c.alphaF() * opacity_);
    out_ += QString("<text x=\"%1\" y=\"%2\" font-family=\"%3\" font-size=\"%4\"%5%6%7>%8</text>\n")
                .arg(Num(at.x()), Num(at.y()), Escape(f.family()), Num(px), extra,
                     ColorAttr("fill", c), rot, Escape(ti.text()));
  }

  QString body() const { return out_; }

 private:
  void CloseGroup() {
    if (group_open_) out_ += "</g>\n";
    group_open_ = false;
  }

  void SetClip(const QPainterPath& clip) {
    CloseGroup();
    clip_ = clip;
    if (clip.isEmpty()) return;
    const QString id = QString("c%1").arg(++clip_id_);
    out_ += QString("<clipPath id=\"%1\"><path d=\"%2\"/></clipPath>\n<g clip-path=\"url(#%1)\">\n")
                .arg(id, PathData(clip));
    group_open_ = true;
  }

  static QString PathData(const QPainterPath& path) {
    QString d;
    for (int i = 0; i < path.elementCount(); ++i) {
      const auto e = path.elementAt(i);
      switch (e.type) {
        case QPainterPath::MoveToElement:
          d += QString("M%1 %2").arg(Num(e.x), Num(e.y));
          break;
        case QPainterPath::LineToElement:
          d += QString("L%1 %2").arg(Num(e.x), Num(e.y));
          break;
        case QPainterPath::CurveToElement: {
          const auto c2 = path.elementAt(i + 1), end = path.elementAt(i + 2);
          d += QString("C%1 %2 %3 %4 %5 %6")
                   .arg(Num(e.x), Num(e.y), Num(c2.x), Num(c2.y), Num(end.x), Num(end.y));
          i += 2;
          break;
        }
        case QPainterPath::CurveToDataElement:
          break;
      }
    }
    return d;
  }

  void Emit(const QPainterPath& path, bool fill) {
    if (path.isEmpty()) return;
    QString attrs;
    if (fill && brush_.style() != Qt::NoBrush && brush_.style() < Qt::LinearGradientPattern) {
      QColor c = brush_.color();
      c.setAlphaF(c.alphaF() * opacity_ *
                  (brush_.style() == Qt::SolidPattern ? 1.0 : 0.35));  // hatches as a tint
      attrs += ColorAttr("fill", c);
      if (path.fillRule() == Qt::WindingFill)
        attrs += " fill-rule=\"nonzero\"";
      else
        attrs += " fill-rule=\"evenodd\"";
    } else {
      attrs += " fill=\"none\"";
    }
    if (pen_.style() != Qt::NoPen) {
      QColor c = pen_.color();
      c.setAlphaF(c.alphaF() * opacity_);
      const double scale = std::sqrt(std::abs(transform_.determinant()));
      attrs += ColorAttr("stroke", c);
      attrs += QString(" stroke-width=\"%1\"").arg(Num(std::max(1.0, pen_.widthF()) * scale));
      if (pen_.style() == Qt::DashLine) attrs += " stroke-dasharray=\"4 2\"";
      if (pen_.style() == Qt::DotLine) attrs += " stroke-dasharray=\"1 2\"";
    }
    if (attrs == " fill=\"none\"") return;
    out_ += QString("<path d=\"%1\"%2/>\n").arg(PathData(path), attrs);
  }

  QPen pen_;
  QBrush brush_;
  QTransform transform_;
  double opacity_ = 1.0;
  QPainterPath clip_;
  int clip_id_ = 0;
  bool group_open_ = false;
  QString out_;
};

class SvgDevice : public QPaintDevice {
 public:
  explicit SvgDevice(QSize size) : size_(size) {}
  ~SvgDevice() override = default;
  QPaintEngine* paintEngine() const override { return &engine_; }
  QString body() const { return engine_.body(); }

 protected:
  int metric(PaintDeviceMetric m) const override {
    switch (m) {
      case PdmWidth:
        return size_.width();
      case PdmHeight:
        return size_.height();
      case PdmWidthMM:
        return size_.width() * 254 / 960;
      case PdmHeightMM:
        return size_.height() * 254 / 960;
      case PdmNumColors:
        return 0x7fffffff;
      case PdmDepth:
        return 32;
      case PdmDpiX:
      case PdmDpiY:
      case PdmPhysicalDpiX:
      case PdmPhysicalDpiY:
        return 96;
      case PdmDevicePixelRatio:
        return 1;
      case PdmDevicePixelRatioScaled:
        return int(QPaintDevice::devicePixelRatioFScale());
    }
    return 0;
  }

 private:
  QSize size_;
  mutable SvgEngine engine_;
};

}  // namespace

QByteArray RenderSvg(QWidget* widget) {
  SvgDevice dev(widget->size());
  {
    QPainter p(&dev);
    p.fillRect(QRect(QPoint(0, 0), widget->size()), Qt::white);
    widget->render(&p);
  }
  const QString head = QString(
                           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" height=\"%2\" "
                           "viewBox=\"0 0 %1 %2\">\n")
                           .arg(widget->width())
                           .arg(widget->height());
  return (head + dev.body() + "</svg>\n").toUtf8();
}

}  // namespace vsim::gui
