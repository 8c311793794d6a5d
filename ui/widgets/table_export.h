// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

class QAbstractItemModel;
class QAbstractItemView;

namespace spillway::ui {

/// The model as CSV (RFC 4180: quoted when needed, CRLF): the header row,
/// then every row's DisplayRole text; tree models are walked depth first
/// (only rows already fetched). Pure over the model; GUI thread.
QString modelToCsv(const QAbstractItemModel &model);
/// Writes modelToCsv() atomically (QSaveFile); false with `error` set.
bool exportModelCsv(const QAbstractItemModel &model, const QString &file, QString *error = nullptr);
/// Adds an "Export as CSV..." context menu to the view.
void addCsvExportMenu(QAbstractItemView *view, const QString &suggestedName);

} // namespace spillway::ui
