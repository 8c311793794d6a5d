// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/widgets/table_export.h"

#include <QAbstractItemView>
#include <QDir>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>

namespace spillway::ui {

namespace {

QString csvField(QString text)
{
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\r'))) {
        text.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

void appendRows(const QAbstractItemModel &model, const QModelIndex &parent, int depth, QString &out)
{
    const int columns = model.columnCount(parent);
    for (int r = 0; r < model.rowCount(parent); ++r) {
        QStringList fields;
        for (int c = 0; c < columns; ++c) {
            QString text = model.index(r, c, parent).data(Qt::DisplayRole).toString();
            if (c == 0 && depth > 0)
                text.prepend(QString(depth * 2, QLatin1Char(' ')));
            fields << csvField(text);
        }
        out += fields.join(QLatin1Char(',')) + QStringLiteral("\r\n");
        const QModelIndex child = model.index(r, 0, parent);
        if (model.hasChildren(child))
            appendRows(model, child, depth + 1, out);
    }
}

} // namespace

QString modelToCsv(const QAbstractItemModel &model)
{
    QString out;
    QStringList header;
    for (int c = 0; c < model.columnCount(); ++c)
        header << csvField(model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
    out += header.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    appendRows(model, {}, 0, out);
    return out;
}

bool exportModelCsv(const QAbstractItemModel &model, const QString &file, QString *error)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(modelToCsv(model).toUtf8()) < 0 || !out.commit()) {
        if (error)
            *error = QObject::tr("Cannot write %1: %2").arg(file, out.errorString());
        return false;
    }
    return true;
}

void addCsvExportMenu(QAbstractItemView *view, const QString &suggestedName)
{
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(view, &QWidget::customContextMenuRequested, view, [view, suggestedName](const QPoint &pos) {
        QMenu menu(view);
        QAction *exportAction = menu.addAction(QObject::tr("Export as CSV..."));
        if (menu.exec(view->viewport()->mapToGlobal(pos)) != exportAction || !view->model())
            return;
        const QString file = QFileDialog::getSaveFileName(
            view, QObject::tr("Export as CSV"), QDir::home().filePath(suggestedName), QObject::tr("CSV files (*.csv)"));
        if (file.isEmpty())
            return;
        QString error;
        if (!exportModelCsv(*view->model(), file, &error))
            QMessageBox::warning(view, QObject::tr("Export failed"), error);
    });
}

} // namespace spillway::ui
